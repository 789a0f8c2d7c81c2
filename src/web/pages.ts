// Helpers for page routes: navigation built from the same decisions as access, and forms that
// show every problem in a GOV.UK error summary and beside its field, keeping what was typed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAccordError } from '../errors.ts';
import type { Actor } from '../domain/policy/actor.ts';
import { decide } from '../domain/policy/decide.ts';
import type { Action } from '../domain/policy/permissions.ts';

export interface NavItem {
  text: string;
  href: string;
  /** Shown only to actors allowed this (decided as for real access, so the two never disagree). */
  needs?: Action;
}

/** The main navigation. Modules add their items here (one line each). */
export const NAVIGATION: NavItem[] = [
  { text: 'Home', href: '/home' },
  { text: 'Records', href: '/records/lookup', needs: 'records.read' },
  { text: 'Assets', href: '/assets', needs: 'assets.read' },
  { text: 'Agreements', href: '/agreements', needs: 'agreements.read' },
  { text: 'Exchange', href: '/exchange/inbox', needs: 'exchange.read' },
  { text: 'Notifications', href: '/exchange/notifications', needs: 'exchange.read' },
  { text: 'Reconciliation', href: '/reconciliations', needs: 'reconcile.read' },
  { text: 'Roles', href: '/roles', needs: 'roles.read' },
  { text: 'People', href: '/people', needs: 'people.read' },
  { text: 'Training', href: '/training', needs: 'training.read' },
  { text: 'Duties', href: '/duties', needs: 'duties.read' },
  { text: 'Audit log', href: '/audit', needs: 'audit.read' },
  { text: 'Portfolio', href: '/portfolio', needs: 'portfolio.read' },
  { text: 'Help desk', href: '/helpdesk', needs: 'tickets.read' },
  { text: 'Governance', href: '/governance', needs: 'governance.read' },
  { text: 'Rights requests', href: '/rights', needs: 'rights.read' },
];

/**
 * Whether the actor may do this to the organisation as a whole — or, given `ownerPersonId`, to
 * something of that person's (their own account, their training). Decided as for real access.
 */
export function may(
  actor: Actor | null,
  action: Action,
  ownerPersonId: string | null = null,
): boolean {
  return actor !== null && decide(actor, action, { orgId: actor.orgId, ownerPersonId }).allow;
}

export function navigationFor(
  req: FastifyRequest,
): { text: string; href: string; current?: boolean; active?: boolean }[] {
  const actor = req.actor;
  if (!actor) return [];
  const path = req.url.split('?')[0] ?? '';
  return NAVIGATION.filter((n) => !n.needs || may(actor, n.needs, actor.personId)).map((n) => ({
    text: n.text,
    href: n.href,
    current: path === n.href,
    active: path !== n.href && path.startsWith(`${n.href}/`),
  }));
}

export interface FormErrors {
  /** For govukErrorSummary. */
  errors: { text: string; href: string }[];
  /** For each field's errorMessage. */
  fieldErrors: Record<string, { text: string }>;
}

/** Turns a coded error into the error summary and per-field messages; undefined for unexpected errors. */
export function formErrors(e: unknown): FormErrors | undefined {
  if (!isAccordError(e) || e.status >= 500) return undefined;
  const fieldErrors: Record<string, { text: string }> = {};
  const errors = e.problems.length
    ? e.problems.map((p) => {
        const field = p.field?.replace(/^body\./, '');
        if (field && !fieldErrors[field]) fieldErrors[field] = { text: p.message };
        return {
          text: p.line ? `Line ${p.line}: ${p.message}` : p.message,
          href: field ? `#${field}` : '#main-content',
        };
      })
    : [{ text: e.message, href: '#main-content' }];
  return { errors, fieldErrors };
}

/**
 * Runs a form's work; on a coded error re-renders the form with the problems and what was typed
 * (nothing was saved: the work ran in one transaction). Unexpected errors go to the error page.
 */
export async function submitForm(
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
  work: () => Promise<FastifyReply | void>,
): Promise<FastifyReply> {
  try {
    const r = await work();
    return r ?? reply;
  } catch (e) {
    const fe = formErrors(e);
    if (!fe) throw e;
    reply.code(isAccordError(e) ? e.status : 400);
    return reply.page(template, { ...data, ...fe, values: reply.request.body ?? {} });
  }
}

/** A body field as a string ('' when absent), for forms. */
export function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | null)?.[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '';
}

/** A body field that may repeat (checkboxes), as strings. */
export function fields(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | null)?.[name];
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : [];
}

/** A same-site path to return to after signing in (never another site). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/home';
}

/**
 * A date from a GOV.UK date input (`<prefix>-day`, `-month`, `-year`) as YYYY-MM-DD; '' when all
 * three are empty; `invalid` when they do not make a real date.
 */
export function dateField(body: unknown, prefix: string): string {
  const [d, m, y] = ['day', 'month', 'year'].map((p) => field(body, `${prefix}-${p}`).trim());
  if (!d && !m && !y) return '';
  if (!/^\d{1,2}$/.test(d ?? '') || !/^\d{1,2}$/.test(m ?? '') || !/^\d{4}$/.test(y ?? ''))
    return 'invalid';
  const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  const t = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(iso) ? iso : 'invalid';
}

/** Items for govukDateInput, keeping what was typed. */
export function dateItems(
  values: Record<string, unknown> | undefined,
  prefix: string,
  error = false,
): { name: string; classes: string; value: string }[] {
  return [
    ['day', 'govuk-input--width-2'],
    ['month', 'govuk-input--width-2'],
    ['year', 'govuk-input--width-4'],
  ].map(([part, width]) => ({
    name: part!,
    classes: `${width}${error ? ' govuk-input--error' : ''}`,
    value: field(values, `${prefix}-${part}`),
  }));
}
