// Signing in and out: password, then the second factor (a code, or setting up an authenticator
// app), one-time password links, and single sign-on where an organisation has it.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { AccordError } from '../../errors.ts';
import { sessionCookie } from '../../http/auth.ts';
import { field, safeNext, submitForm } from '../pages.ts';

export function signInPages(services: Services): FastifyPluginAsync {
  const { config } = services;
  const cookieName = sessionCookie(config.secureCookies);
  // Lax, not Strict: the session must survive the top-level redirect back from single sign-on.
  const cookieOpts = {
    path: '/',
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax' as const,
    maxAge: config.sessionMaxHours * 3600,
  };
  const setSession = (reply: FastifyReply, token: string): FastifyReply =>
    reply.setCookie(cookieName, token, cookieOpts);
  const meta = (req: FastifyRequest) => ({
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
  });
  const nextOf = (req: FastifyRequest): string =>
    safeNext((req.query as { next?: string }).next ?? field(req.body, 'next'));
  const afterStep = (step: 'code' | 'enrol' | 'done', next: string): string =>
    step === 'done'
      ? next
      : `${step === 'code' ? '/sign-in/code' : '/sign-in/second-factor'}?next=${encodeURIComponent(next)}`;
  const signInLimit = { max: 10, timeWindow: '1 minute' };

  return async (app) => {
    app.get(
      '/sign-in',
      { config: { page: 'public' }, schema: { hide: true } },
      async (req, reply) => {
        if (req.actor) return reply.redirect(nextOf(req), 303);
        return reply.page('signin/sign-in.njk', {
          pageTitle: 'Sign in',
          next: nextOf(req),
          notice: (req.query as { done?: string }).done,
          sso: await services.sso.providers(),
        });
      },
    );

    app.post(
      '/sign-in',
      { config: { page: 'public', rateLimit: signInLimit }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(
          reply,
          'signin/sign-in.njk',
          { pageTitle: 'Sign in', next: nextOf(req), sso: await services.sso.providers() },
          async () => {
            const r = await services.signIn.passwordSignIn(
              field(req.body, 'email'),
              field(req.body, 'password'),
              meta(req),
            );
            return setSession(reply, r.token).redirect(afterStep(r.next, nextOf(req)), 303);
          },
        ),
    );

    app.get(
      '/sign-in/code',
      { config: { page: 'signing-in' }, schema: { hide: true } },
      async (req, reply) => {
        if (req.session?.pending !== 'code') return reply.redirect(nextOf(req), 303);
        return reply.page('signin/code.njk', {
          pageTitle: 'Enter the code from your authenticator app',
          next: nextOf(req),
        });
      },
    );

    app.post(
      '/sign-in/code',
      { config: { page: 'signing-in', rateLimit: signInLimit }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(
          reply,
          'signin/code.njk',
          { pageTitle: 'Enter the code from your authenticator app', next: nextOf(req) },
          async () => {
            const token = await services.signIn.verifyCode(
              req.cookies[cookieName] ?? '',
              field(req.body, 'code'),
              meta(req),
            );
            return setSession(reply, token).redirect(nextOf(req), 303);
          },
        ),
    );

    const enrolPage = async (req: FastifyRequest) => ({
      pageTitle: 'Set up your authenticator app',
      next: nextOf(req),
      replacing: req.session?.person.totp_enrolled_at !== null,
      ...(await services.signIn.beginEnrolment(req.cookies[cookieName] ?? '')),
    });

    app.get(
      '/sign-in/second-factor',
      { config: { page: 'signing-in' }, schema: { hide: true } },
      async (req, reply) => reply.page('signin/enrol.njk', await enrolPage(req)),
    );

    app.post(
      '/sign-in/second-factor',
      { config: { page: 'signing-in', rateLimit: signInLimit }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'signin/enrol.njk', await enrolPage(req), async () => {
          const token = await services.signIn.confirmEnrolment(
            req.cookies[cookieName] ?? '',
            field(req.body, 'code'),
            meta(req),
          );
          return setSession(reply, token).redirect(nextOf(req), 303);
        }),
    );

    app.get(
      '/sign-in/sso/:orgId',
      { config: { page: 'public', rateLimit: signInLimit }, schema: { hide: true } },
      async (req, reply) =>
        reply.redirect(
          await services.sso.begin(
            (req.params as { orgId: string }).orgId,
            `${config.publicUrl}/sign-in/sso/callback`,
          ),
          303,
        ),
    );

    app.get(
      '/sign-in/sso/callback',
      { config: { page: 'public', rateLimit: signInLimit }, schema: { hide: true } },
      async (req, reply) => {
        const r = await services.sso.complete(new URL(req.url, config.publicUrl), meta(req));
        return setSession(reply, r.token).redirect(afterStep(r.next, '/home'), 303);
      },
    );

    app.post(
      '/sign-out',
      { config: { page: 'public' }, schema: { hide: true } },
      async (req, reply) => {
        await services.signIn.signOut(req.cookies[cookieName]);
        return reply
          .clearCookie(cookieName, { path: '/' })
          .redirect('/sign-in?done=signed-out', 303);
      },
    );

    app.get(
      '/password/:token',
      { config: { page: 'public' }, schema: { hide: true } },
      async (req, reply) => {
        const info = await services.signIn.linkInfo((req.params as { token: string }).token);
        if (!info)
          return reply
            .code(410)
            .page('signin/link-expired.njk', { pageTitle: 'This link has expired' });
        return reply.page('signin/password.njk', {
          pageTitle: info.purpose === 'invite' ? 'Create your password' : 'Choose a new password',
          info,
        });
      },
    );

    app.post(
      '/password/:token',
      { config: { page: 'public', rateLimit: signInLimit }, schema: { hide: true } },
      async (req, reply) => {
        const token = (req.params as { token: string }).token;
        const info = await services.signIn.linkInfo(token);
        if (!info)
          return reply
            .code(410)
            .page('signin/link-expired.njk', { pageTitle: 'This link has expired' });
        return submitForm(
          reply,
          'signin/password.njk',
          { pageTitle: 'Choose a password', info },
          async () => {
            if (field(req.body, 'password') !== field(req.body, 'confirm')) {
              throw new AccordError('VALIDATION_FAILED', 'The passwords do not match.', [
                { field: 'confirm', message: 'Enter the same password twice' },
              ]);
            }
            await services.signIn.usePasswordLink(token, field(req.body, 'password'));
            return reply.redirect('/sign-in?done=password-set', 303);
          },
        );
      },
    );
  };
}
