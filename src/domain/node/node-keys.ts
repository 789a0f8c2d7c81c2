// The node's identity: an Ed25519 signing key made on first start and kept in the data directory
// (never in the database), private key file mode 0600. It signs audit checkpoints; later,
// federation envelopes. Anyone holding only the database cannot forge a checkpoint.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AccordError } from '../../errors.ts';

export const SIGNING_KEY_FILE = 'node-ed25519.pem';

export interface NodeKeys {
  /** Short id of the public key: the first 16 hex digits of SHA-256 of its raw bytes. */
  readonly keyId: string;
  readonly publicKey: KeyObject;
  /** The public key as raw 32 bytes, base64url (what partners pin). */
  readonly publicKeyRaw: string;
  sign(data: Buffer | string): Buffer;
  verify(data: Buffer | string, signature: Buffer): boolean;
  /** Whether the key file was made just now. */
  readonly created: boolean;
}

function rawPublic(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublic(publicKey)).digest('hex').slice(0, 16);
}

export function publicKeyFromRaw(raw: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
}

export function loadOrCreateNodeKeys(
  dataDir: string,
  opts: { production?: boolean } = {},
): NodeKeys {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  let created = false;
  let privateKey: KeyObject;
  if (fs.existsSync(file)) {
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077) {
      if (opts.production) {
        throw new AccordError(
          'NODE_KEY_INVALID',
          `${file} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${file}`,
        );
      }
      fs.chmodSync(file, 0o600);
    }
    try {
      privateKey = createPrivateKey(fs.readFileSync(file));
    } catch (e) {
      throw new AccordError(
        'NODE_KEY_INVALID',
        `${file} is not a private key: ${(e as Error).message}`,
      );
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new AccordError(
        'NODE_KEY_INVALID',
        `${file} holds a ${privateKey.asymmetricKeyType} key, not Ed25519.`,
      );
    }
  } else {
    fs.mkdirSync(dataDir, { recursive: true });
    privateKey = generateKeyPairSync('ed25519').privateKey;
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
    // 'wx': never overwrite a key another process made a moment ago.
    try {
      fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      return loadOrCreateNodeKeys(dataDir, opts);
    }
  }
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    publicKey,
    publicKeyRaw: rawPublic(publicKey).toString('base64url'),
    created,
    sign: (data) => sign(null, Buffer.from(data), privateKey),
    verify: (data, signature) => verify(null, Buffer.from(data), publicKey, signature),
  };
}
