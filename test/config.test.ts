import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { describeConfig, loadConfig, redactUrl } from '../src/config.ts';
import { AccordError } from '../src/errors.ts';

test('defaults: port 3000, SQLite in ./data, demo on outside production', () => {
  const c = loadConfig({}, '/srv/accord');
  assert.equal(c.port, 3000);
  assert.equal(c.dataDir, '/srv/accord/data');
  assert.equal(c.databaseUrl, `sqlite:${path.join('/srv/accord/data', 'accord.sqlite')}`);
  assert.equal(c.demo, true);
  assert.equal(c.env, 'development');
  assert.equal(c.secureCookies, false);
});

test('a bad value is refused with a message naming the variable and what is expected', () => {
  const cases: Record<string, string>[] = [
    { PORT: 'eighty' },
    { PORT: '70000' },
    { DATABASE_URL: 'mysql://x' },
    { ACCORD_DEMO: 'maybe' },
    { NODE_ENV: 'staging' },
    { LOG_LEVEL: 'loud' },
    { ACCORD_FEDERATION: 'sometimes' },
    { ACCORD_NODE_URL: 'http://accord.example' },
    { ACCORD_NODE_URL: 'https://accord.example/path' },
    { ACCORD_NODE_NAME: ' ' },
    { ACCORD_FEDERATION_MAX_BYTES: '10' },
  ];
  for (const env of cases) {
    const name = Object.keys(env)[0] as string;
    assert.throws(
      () => loadConfig(env),
      (e: unknown) =>
        e instanceof AccordError &&
        e.code === 'CONFIG_INVALID' &&
        e.message.startsWith(`${name}=`) &&
        e.exitCode === 78,
      name,
    );
  }
});

test('federation is off by default; the node URL defaults to https on the host and port', () => {
  const c = loadConfig({ PORT: '4000' }, '/srv/accord');
  assert.equal(c.federation, false);
  assert.equal(c.nodeUrl, 'https://127.0.0.1:4000');
  const on = loadConfig({ ACCORD_FEDERATION: 'true', ACCORD_NODE_URL: 'https://a.example:8443/' });
  assert.equal(on.federation, true);
  assert.equal(on.nodeUrl, 'https://a.example:8443');
});

test('production refuses insecure defaults', () => {
  const base = { NODE_ENV: 'production', ACCORD_PUBLIC_URL: 'https://accord.example.gov.uk' };
  assert.throws(
    () => loadConfig({ ...base, ACCORD_DEMO: 'true' }),
    /ACCORD_DEMO cannot be on in production/,
  );
  assert.throws(
    () => loadConfig({ ...base, ACCORD_SECURE_COOKIES: 'false' }),
    /ACCORD_SECURE_COOKIES/,
  );
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /must be https/);
  const ok = loadConfig(base);
  assert.equal(ok.demo, false);
  assert.equal(ok.secureCookies, true);
});

test('database passwords never appear in what is described or logged', () => {
  assert.equal(
    redactUrl('postgres://accord:s3cret@db:5432/accord'),
    'postgres://accord:***@db:5432/accord',
  );
  const c = loadConfig({ DATABASE_URL: 'postgres://accord:s3cret@db/accord' });
  assert.doesNotMatch(JSON.stringify(describeConfig(c)), /s3cret/);
});
