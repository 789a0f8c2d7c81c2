// Static assets: the GOV.UK Frontend script and images, and Accord's stylesheet compiled from
// Sass once per source version and cached in node_modules/.cache (compiling takes ~2 s).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

const root = fileURLToPath(new URL('../..', import.meta.url));
const govukDist = path.join(root, 'node_modules/govuk-frontend/dist');
const scssDir = path.join(root, 'src/web/scss');
const publicDir = path.join(root, 'src/web/public');
const cacheDir = path.join(root, 'node_modules/.cache/accord');

function sourceDigest(): string {
  const h = createHash('sha256');
  h.update(
    (
      JSON.parse(
        fs.readFileSync(path.join(root, 'node_modules/govuk-frontend/package.json'), 'utf8'),
      ) as { version: string }
    ).version,
  );
  for (const f of fs.readdirSync(scssDir).sort())
    h.update(f).update(fs.readFileSync(path.join(scssDir, f)));
  return h.digest('hex').slice(0, 12);
}

let compiled: { css: string; version: string } | undefined;

/** Accord's CSS, compiled on first use and cached on disk by source digest. */
export async function stylesheet(): Promise<{ css: string; version: string }> {
  if (compiled) return compiled;
  const version = sourceDigest();
  const file = path.join(cacheDir, `accord-${version}.css`);
  if (fs.existsSync(file)) return (compiled = { css: fs.readFileSync(file, 'utf8'), version });
  const sass = await import('sass');
  const { css } = await sass.compileAsync(path.join(scssDir, 'accord.scss'), {
    loadPaths: [govukDist],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
  });
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(`${file}.${process.pid}`, css);
    fs.renameSync(`${file}.${process.pid}`, file);
  } catch {
    // A read-only install still works: the CSS stays in memory for this process.
  }
  return (compiled = { css, version });
}

export async function registerAssets(app: FastifyInstance): Promise<void> {
  const { version } = await stylesheet();
  app.decorate('assetVersion', version);
  await app.register(fastifyStatic, {
    root: [publicDir, path.join(govukDist, 'govuk')],
    prefix: '/static/',
    // Only what pages use; GOV.UK's crown images and fonts are deliberately not served.
    allowedPath: (p) => /^\/(accord[\w.-]*|govuk-frontend\.min\.js|images\/accord[\w.-]*)$/.test(p),
    maxAge: '1h',
    schemaHide: true,
  });
  app.get('/static/accord.css', { schema: { hide: true } }, async (_req, reply) => {
    const { css } = await stylesheet();
    return reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(css);
  });
}
