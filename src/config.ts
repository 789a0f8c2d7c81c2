// Configuration is read from the environment once, validated, and frozen. Every other module
// receives a Config value; nothing else reads process.env (tests build their own Config).
import path from 'node:path';
import { AccordError } from './errors.ts';

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** `sqlite:<file>` or `postgres://…` */
  readonly databaseUrl: string;
  readonly demo: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly bodyLimitBytes: number;
  /** Write a signed checkpoint after this many audit entries… */
  readonly checkpointEvery: number;
  /** …or after this many milliseconds with unsigned entries pending. */
  readonly checkpointIntervalMs: number;
  /** Secure cookies everywhere except plain-HTTP local development. */
  readonly secureCookies: boolean;
  /** Public base URL of this node (links, federation); defaults from host and port. */
  readonly publicUrl: string;
  /** A session ends after this many minutes without a request… */
  readonly sessionIdleMinutes: number;
  /** …and after this many hours whatever happens. */
  readonly sessionMaxHours: number;
  /** Failed sign-in attempts before an account is locked, and for how long. */
  readonly lockoutAttempts: number;
  readonly lockoutMinutes: number;
  /** API requests allowed per minute per client. */
  readonly apiRateLimit: number;
  /** Seconds between health checks of the applications portfolio (0: no checks). */
  readonly healthCheckSeconds: number;
  /** A delivered transfer not acknowledged within this many days expires (the sender is told). */
  readonly transferExpiryDays: number;
  /**
   * Days a retired exchange key is kept before it may be destroyed (it is kept longer while
   * anything sealed to it is still waiting to be opened).
   */
  readonly exchangeKeyGraceDays: number;
  /** The most records one transfer may carry (larger ones are refused). */
  readonly transferMaxRecords: number;
  /** The largest file a transfer may be made from (bytes); larger uploads are refused. */
  readonly transferUploadMaxBytes: number;
  /** A transfer is sealed in chunks of at most this many records… */
  readonly transferChunkRecords: number;
  /** …and about this many bytes of projected records, so each chunk travels on its own. */
  readonly transferChunkBytes: number;
  /** Whether this node federates with partner nodes (then it serves HTTPS). */
  readonly federation: boolean;
  /** This node's name on its node card. */
  readonly nodeName: string;
  /** The https base URL partner nodes reach this node at (on its node card). */
  readonly nodeUrl: string;
  /** The largest message a partner node may send (bytes). */
  readonly federationMaxBytes: number;
  /** How many of a transfer's chunks are sent to a partner node at once. */
  readonly federationInFlight: number;
}

type Env = Record<string, string | undefined>;

function fail(name: string, value: string, expected: string): never {
  throw new AccordError(
    'CONFIG_INVALID',
    `${name}=${JSON.stringify(value)} is not valid: expected ${expected}.`,
  );
}

function int(env: Env, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw)) fail(name, raw, `a whole number from ${min} to ${max}`);
  const n = Number(raw);
  if (n < min || n > max) fail(name, raw, `a whole number from ${min} to ${max}`);
  return n;
}

function bool(env: Env, name: string, dflt: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  return fail(name, raw, 'true or false');
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'test', 'production'].includes(nodeEnv)) {
    fail('NODE_ENV', nodeEnv, 'development, test or production');
  }
  const production = nodeEnv === 'production';
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1');
  const dataDir = path.resolve(cwd, env.ACCORD_DATA_DIR || './data');

  const databaseUrl = env.DATABASE_URL || `sqlite:${path.join(dataDir, 'accord.sqlite')}`;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    fail(
      'DATABASE_URL',
      redactUrl(databaseUrl),
      'sqlite:<file> or postgres://user:password@host/db',
    );
  }

  const demo = bool(env, 'ACCORD_DEMO', !production);
  if (production && demo) {
    throw new AccordError(
      'CONFIG_INSECURE',
      'ACCORD_DEMO cannot be on in production: demo accounts have published passwords.',
    );
  }
  const logLevel = (env.LOG_LEVEL ??
    (nodeEnv === 'test' ? 'silent' : 'info')) as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) fail('LOG_LEVEL', logLevel, LOG_LEVELS.join(', '));

  const publicUrl =
    env.ACCORD_PUBLIC_URL || `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  if (!/^https?:\/\/[^\s/]+/.test(publicUrl))
    fail('ACCORD_PUBLIC_URL', publicUrl, 'an http(s) URL');
  const secureCookies = bool(
    env,
    'ACCORD_SECURE_COOKIES',
    production || publicUrl.startsWith('https:'),
  );
  if (production && !secureCookies) {
    throw new AccordError('CONFIG_INSECURE', 'ACCORD_SECURE_COOKIES cannot be off in production.');
  }
  if (production && !publicUrl.startsWith('https:')) {
    throw new AccordError('CONFIG_INSECURE', 'ACCORD_PUBLIC_URL must be https in production.');
  }

  const federation = bool(env, 'ACCORD_FEDERATION', false);
  const nodeUrl = (
    env.ACCORD_NODE_URL || `https://${host === '0.0.0.0' ? 'localhost' : host}:${port}`
  ).replace(/\/$/, '');
  if (!/^https:\/\/[^\s/]+$/.test(nodeUrl))
    fail('ACCORD_NODE_URL', nodeUrl, 'an https URL with no path, e.g. https://accord.example:3000');
  const nodeName = (env.ACCORD_NODE_NAME ?? 'Accord node').trim();
  if (!nodeName || nodeName.length > 100)
    fail('ACCORD_NODE_NAME', nodeName, 'a name of 1 to 100 characters');

  return Object.freeze({
    env: nodeEnv as Config['env'],
    port,
    host,
    dataDir,
    databaseUrl,
    demo,
    logLevel,
    bodyLimitBytes: int(env, 'ACCORD_BODY_LIMIT', 1_048_576, 1024, 1_073_741_824),
    checkpointEvery: int(env, 'ACCORD_CHECKPOINT_EVERY', 1000, 1, 10_000_000),
    checkpointIntervalMs: int(env, 'ACCORD_CHECKPOINT_MS', 10_000, 100, 86_400_000),
    secureCookies,
    publicUrl: publicUrl.replace(/\/$/, ''),
    sessionIdleMinutes: int(env, 'ACCORD_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionMaxHours: int(env, 'ACCORD_SESSION_MAX_HOURS', 12, 1, 24 * 7),
    lockoutAttempts: int(env, 'ACCORD_LOCKOUT_ATTEMPTS', 5, 1, 100),
    lockoutMinutes: int(env, 'ACCORD_LOCKOUT_MINUTES', 15, 1, 24 * 60),
    apiRateLimit: int(env, 'ACCORD_API_RATE_LIMIT', 6000, 10, 10_000_000),
    healthCheckSeconds: int(env, 'ACCORD_HEALTH_SECONDS', 60, 0, 86_400),
    transferExpiryDays: int(env, 'ACCORD_TRANSFER_EXPIRY_DAYS', 14, 1, 3650),
    exchangeKeyGraceDays: int(env, 'ACCORD_EXCHANGE_KEY_GRACE_DAYS', 30, 1, 3650),
    transferMaxRecords: int(env, 'ACCORD_TRANSFER_MAX_RECORDS', 1_000_000, 1, 100_000_000),
    transferUploadMaxBytes: int(
      env,
      'ACCORD_TRANSFER_UPLOAD_MAX_BYTES',
      268_435_456,
      1024,
      4_294_967_296,
    ),
    transferChunkRecords: int(env, 'ACCORD_TRANSFER_CHUNK_RECORDS', 1000, 1, 100_000),
    transferChunkBytes: int(env, 'ACCORD_TRANSFER_CHUNK_BYTES', 8_388_608, 1024, 67_108_864),
    federation,
    nodeName,
    nodeUrl,
    federationMaxBytes: int(env, 'ACCORD_FEDERATION_MAX_BYTES', 67_108_864, 65_536, 4_294_967_296),
    federationInFlight: int(env, 'ACCORD_FEDERATION_IN_FLIGHT', 4, 1, 32),
  });
}

/** A database URL with its password hidden, safe for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** The settings that are safe to show and to audit (never secrets). */
export function describeConfig(config: Config): Record<string, string | number | boolean> {
  return {
    env: config.env,
    port: config.port,
    host: config.host,
    dataDir: config.dataDir,
    database: redactUrl(config.databaseUrl),
    demo: config.demo,
    logLevel: config.logLevel,
    bodyLimitBytes: config.bodyLimitBytes,
    checkpointEvery: config.checkpointEvery,
    checkpointIntervalMs: config.checkpointIntervalMs,
    secureCookies: config.secureCookies,
    publicUrl: config.publicUrl,
    sessionIdleMinutes: config.sessionIdleMinutes,
    sessionMaxHours: config.sessionMaxHours,
    lockoutAttempts: config.lockoutAttempts,
    lockoutMinutes: config.lockoutMinutes,
    apiRateLimit: config.apiRateLimit,
    healthCheckSeconds: config.healthCheckSeconds,
    transferExpiryDays: config.transferExpiryDays,
    exchangeKeyGraceDays: config.exchangeKeyGraceDays,
    transferMaxRecords: config.transferMaxRecords,
    transferUploadMaxBytes: config.transferUploadMaxBytes,
    transferChunkRecords: config.transferChunkRecords,
    transferChunkBytes: config.transferChunkBytes,
    federation: config.federation,
    nodeName: config.nodeName,
    nodeUrl: config.nodeUrl,
    federationMaxBytes: config.federationMaxBytes,
    federationInFlight: config.federationInFlight,
  };
}
