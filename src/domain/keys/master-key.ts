// The node's master key: from ACCORD_MASTER_KEY (base64, 32 bytes) when set — e.g. from a secret
// manager — otherwise from `master.key` in the data directory, made on first use (mode 0600).
// Previous master keys (ACCORD_MASTER_KEY_PREVIOUS, or master-previous-*.key files) are kept only
// to unwrap organisation keys until `accord keys rotate` has re-wrapped them.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AccordError } from '../../errors.ts';

export interface MasterKey {
  id: string;
  key: Buffer;
}

export const masterKeyId = (key: Buffer): string =>
  createHash('sha256').update(key).digest('hex').slice(0, 16);

function parse(raw: string, where: string): Buffer {
  const key = Buffer.from(raw.trim(), 'base64');
  if (key.length !== 32)
    throw new AccordError(
      'CONFIG_INVALID',
      `${where} must be 32 bytes, base64-encoded (got ${key.length} bytes).`,
    );
  return key;
}

export interface MasterKeyring {
  current: MasterKey;
  /** Every master key that may have wrapped an organisation key, current first. */
  all: MasterKey[];
  /** Where the current key comes from, for messages. */
  source: 'environment' | 'file';
}

export function loadMasterKeys(
  dataDir: string,
  env: Record<string, string | undefined> = process.env,
): MasterKeyring {
  const file = path.join(dataDir, 'master.key');
  let current: Buffer;
  let source: MasterKeyring['source'];
  if (env.ACCORD_MASTER_KEY) {
    current = parse(env.ACCORD_MASTER_KEY, 'ACCORD_MASTER_KEY');
    source = 'environment';
  } else {
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dataDir, { recursive: true });
      try {
        fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, {
          mode: 0o600,
          flag: 'wx',
        });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    current = parse(fs.readFileSync(file, 'utf8'), file);
    source = 'file';
  }
  const previous: Buffer[] = [];
  if (env.ACCORD_MASTER_KEY_PREVIOUS)
    previous.push(parse(env.ACCORD_MASTER_KEY_PREVIOUS, 'ACCORD_MASTER_KEY_PREVIOUS'));
  if (fs.existsSync(dataDir)) {
    for (const f of fs
      .readdirSync(dataDir)
      .filter((n) => /^master-previous-[0-9a-f]+\.key$/.test(n))
      .sort()) {
      previous.push(parse(fs.readFileSync(path.join(dataDir, f), 'utf8'), f));
    }
  }
  const all = [current, ...previous].map((key) => ({ id: masterKeyId(key), key }));
  return { current: all[0]!, all, source };
}

/**
 * Makes a new master key file, keeping the old one as master-previous-<id>.key until every
 * organisation key has been re-wrapped (see KeyService.rotate). File-based keys only.
 */
export function replaceMasterKeyFile(dataDir: string): { oldId: string; newId: string } {
  const file = path.join(dataDir, 'master.key');
  const old = parse(fs.readFileSync(file, 'utf8'), file);
  const oldId = masterKeyId(old);
  fs.writeFileSync(
    path.join(dataDir, `master-previous-${oldId}.key`),
    `${old.toString('base64')}\n`,
    { mode: 0o600 },
  );
  const fresh = randomBytes(32);
  fs.writeFileSync(`${file}.new`, `${fresh.toString('base64')}\n`, { mode: 0o600 });
  fs.renameSync(`${file}.new`, file);
  return { oldId, newId: masterKeyId(fresh) };
}

/** Removes previous master key files once nothing is wrapped with them. */
export function forgetPreviousMasterKeys(dataDir: string, stillUsed: Set<string>): string[] {
  const removed: string[] = [];
  for (const f of fs
    .readdirSync(dataDir)
    .filter((n) => /^master-previous-([0-9a-f]+)\.key$/.test(n))) {
    const id = /^master-previous-([0-9a-f]+)\.key$/.exec(f)![1]!;
    if (!stillUsed.has(id)) {
      fs.rmSync(path.join(dataDir, f));
      removed.push(id);
    }
  }
  return removed;
}
