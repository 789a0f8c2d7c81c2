// This node as partner nodes see it: its Ed25519 signing key (the node key, which also signs audit
// checkpoints), an X25519 encryption key that envelopes to it are sealed to, and the TLS
// certificate it serves HTTPS with — all made on first start and kept in the data directory
// (private key files mode 0600). The public "node card" carries the public halves and the TLS
// certificate's SHA-256, and its fingerprint is what administrators read to each other.
import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import type { JsonWebKey as NodeJwk, KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';
import type { Config } from '../../config.ts';
import { canonical } from '../agreements/model.ts';
import type { NodeKeys } from '../node/node-keys.ts';

export const ENCRYPTION_KEY_FILE = 'node-x25519.pem';
export const TLS_KEY_FILE = 'tls-key.pem';
export const TLS_CERT_FILE = 'tls-cert.pem';
export const CARD_PATH = '/.well-known/accord-node';

export interface NodeCard {
  nodeId: string;
  name: string;
  url: string;
  /** Ed25519 public key (JWK): verifies this node's signatures. */
  signingKey: NodeJwk;
  /** X25519 public key (JWK): envelopes to this node are sealed to it. */
  encryptionKey: NodeJwk;
  /** SHA-256 of the TLS certificate (DER), hex upper case with colons as Node prints it. */
  tlsCertSha256: string;
  fingerprint: string;
}

export interface NodeIdentity {
  readonly nodeId: string;
  readonly keys: NodeKeys;
  readonly encryptionPrivate: KeyObject;
  readonly encryptionPublic: KeyObject;
  readonly tls: { key: string; cert: string; sha256: string };
  card(): NodeCard;
}

/** SHA-256 over the card's keys and TLS pin (canonical JSON), hex upper case. */
export function cardFingerprint(c: Omit<NodeCard, 'fingerprint' | 'name' | 'url'>): string {
  return createHash('sha256')
    .update(
      canonical({
        nodeId: c.nodeId,
        signingKey: { kty: c.signingKey.kty, crv: c.signingKey.crv, x: c.signingKey.x },
        encryptionKey: { kty: c.encryptionKey.kty, crv: c.encryptionKey.crv, x: c.encryptionKey.x },
        tlsCertSha256: c.tlsCertSha256,
      }),
    )
    .digest('hex')
    .toUpperCase();
}

/** A fingerprint as people read it out: AB12 CD34 … */
export const grouped = (fp: string): string => normalFingerprint(fp).replace(/(.{4})(?!$)/g, '$1 ');

/** A fingerprint as typed (any case, spaces or colons) reduced to upper-case hex. */
export const normalFingerprint = (fp: string): string => fp.replace(/[\s:]/g, '').toUpperCase();

function privateKeyFile(file: string, make: () => string): string {
  if (fs.existsSync(file)) {
    if (fs.statSync(file).mode & 0o077) fs.chmodSync(file, 0o600);
    return fs.readFileSync(file, 'utf8');
  }
  const pem = make();
  try {
    fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return fs.readFileSync(file, 'utf8');
  }
  return pem;
}

/** Loads this node's federation identity, making the keys and certificate on first start. */
export async function loadNodeIdentity(config: Config, keys: NodeKeys): Promise<NodeIdentity> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const encPem = privateKeyFile(path.join(config.dataDir, ENCRYPTION_KEY_FILE), () =>
    generateKeyPairSync('x25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );
  const encryptionPrivate = createPrivateKey(encPem);
  const encryptionPublic = createPublicKey(encryptionPrivate);
  const certFile = path.join(config.dataDir, TLS_CERT_FILE);
  const keyFile = path.join(config.dataDir, TLS_KEY_FILE);
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) {
    const host = new URL(config.nodeUrl).hostname;
    const ip = /^[\d.]+$/.test(host) || host.includes(':');
    const pems = await generate([{ name: 'commonName', value: host }], {
      keyType: 'ec',
      curve: 'P-256',
      notAfterDate: new Date(Date.now() + 825 * 86_400_000),
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [ip ? { type: 7, ip: host } : { type: 2, value: host }],
        },
      ],
    });
    privateKeyFile(keyFile, () => pems.private);
    fs.writeFileSync(certFile, pems.cert, { mode: 0o644 });
  }
  const tls = {
    key: fs.readFileSync(keyFile, 'utf8'),
    cert: fs.readFileSync(certFile, 'utf8'),
    sha256: new X509Certificate(fs.readFileSync(certFile)).fingerprint256,
  };
  const nodeId = keys.keyId;
  const card = (): NodeCard => {
    const base = {
      nodeId,
      name: config.nodeName,
      url: config.nodeUrl,
      signingKey: keys.publicKey.export({ format: 'jwk' }),
      encryptionKey: encryptionPublic.export({ format: 'jwk' }),
      tlsCertSha256: tls.sha256,
    };
    return { ...base, fingerprint: cardFingerprint(base) };
  };
  return { nodeId, keys, encryptionPrivate, encryptionPublic, tls, card };
}
