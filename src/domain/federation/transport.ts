// HTTPS between nodes. Every connection to a trusted partner pins its TLS certificate (the one on
// its verified node card): the certificate is the only trust anchor for that request and its
// SHA-256 must match, whatever the host name. TLS verification is never turned off globally; the
// one unverified fetch is of a node card being considered, and what it returns is trusted only if
// its fingerprint matches the one the administrator was given and the certificate the connection
// presented is the one the card names.
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { AccordError } from '../../errors.ts';
import { CARD_PATH } from './node-identity.ts';
import type { NodeCard } from './node-identity.ts';

const TIMEOUT_MS = 30_000;
/** An idle connection is closed well before the partner's server would (Fastify: 72 s). */
const IDLE_MS = 5_000;
/** Pinned pools kept; the oldest is closed past this (a node is re-trusted with a new cert). */
const MAX_POOLS = 64;

/**
 * Connections to a partner are kept open between messages (a transfer is a hundred of them, and
 * a TLS handshake each cost a tenth of its delivery). One pool per pinned certificate: Node's
 * pool key does not include `checkServerIdentity`, so a connection is only ever reused for the
 * pin it was verified against. A connection the partner dropped fails its request, and the
 * outbox retries it as any other unreachable attempt.
 */
const pools = new Map<string, https.Agent>();
function pinnedPool(pin: string): https.Agent {
  let pool = pools.get(pin);
  if (!pool) {
    pool = new https.Agent({ keepAlive: true, timeout: IDLE_MS, maxFreeSockets: 4 });
    pools.set(pin, pool);
    if (pools.size > MAX_POOLS) {
      const [oldest, old] = pools.entries().next().value as [string, https.Agent];
      pools.delete(oldest);
      old.destroy();
    }
  }
  return pool;
}

/** A certificate's pin, parsed once (each message to a partner is checked against it). */
const pins = new Map<string, string>();
function pinOf(certPem: string): string {
  let pin = pins.get(certPem);
  if (!pin) {
    pin = new X509Certificate(certPem).fingerprint256;
    if (pins.size >= MAX_POOLS) pins.clear();
    pins.set(certPem, pin);
  }
  return pin;
}

interface Reply {
  status: number;
  body: string;
  certPem?: string;
}

/** One HTTPS request, its reply read whole (with the peer's certificate when `keepCert`). */
export function request(
  url: URL,
  opts: https.RequestOptions,
  payload?: string,
  keepCert = false,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ...opts, timeout: TIMEOUT_MS }, (res) => {
      let certPem: string | undefined;
      if (keepCert) {
        const raw = (res.socket as TLSSocket).getPeerCertificate?.().raw;
        if (raw) certPem = new X509Certificate(raw).toString();
      }
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(parts).toString('utf8'),
          certPem,
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

function unreachable(url: string, e: unknown): AccordError {
  return new AccordError(
    'FEDERATION_UNREACHABLE',
    `${url} cannot be reached: ${(e as Error).message}`,
  );
}

/** Fetches a node card (before it is trusted) and the TLS certificate the connection presented. */
export async function fetchCard(base: string): Promise<{ card: NodeCard; certPem: string }> {
  let url: URL;
  try {
    url = new URL(CARD_PATH, base);
    if (url.protocol !== 'https:') throw new Error('not https');
  } catch {
    throw new AccordError('VALIDATION_FAILED', 'Give the partner node’s https URL.', [
      { field: 'url', message: 'Enter the https address of the partner node' },
    ]);
  }
  let r: Reply;
  try {
    // Verified below, against the fingerprint given out of band, not by a certificate authority.
    r = await request(
      url,
      { method: 'GET', rejectUnauthorized: false, agent: false },
      undefined,
      true,
    );
  } catch (e) {
    throw unreachable(base, e);
  }
  let card: NodeCard;
  try {
    if (r.status !== 200) throw new Error(`status ${r.status}`);
    card = JSON.parse(r.body) as NodeCard;
    if (typeof card.nodeId !== 'string' || !card.signingKey || !card.encryptionKey)
      throw new Error('incomplete');
  } catch (e) {
    throw new AccordError(
      'FEDERATION_BAD_CARD',
      `${base} did not give a node card: ${(e as Error).message}`,
    );
  }
  if (!r.certPem)
    throw new AccordError('FEDERATION_BAD_CARD', 'The connection had no certificate.');
  return { card, certPem: r.certPem };
}

/** POSTs JSON to a trusted node, pinned to its certificate. */
export async function postPinned(
  node: { url: string; tls_cert: string },
  path: string,
  body: unknown,
): Promise<{ status: number; json: unknown; sent: number }> {
  const pin = pinOf(node.tls_cert);
  const payload = JSON.stringify(body);
  const bytes = Buffer.byteLength(payload);
  let r: Reply;
  try {
    r = await request(
      new URL(path, node.url),
      {
        method: 'POST',
        agent: pinnedPool(pin),
        ca: [node.tls_cert],
        checkServerIdentity: (_host, cert) =>
          cert.fingerprint256 === pin
            ? undefined
            : new Error('the partner presented another certificate than the one pinned'),
        headers: {
          'content-type': 'application/json',
          'content-length': bytes,
        },
      },
      payload,
    );
  } catch (e) {
    throw unreachable(node.url, e);
  }
  let json: unknown;
  try {
    json = JSON.parse(r.body);
  } catch {
    json = null;
  }
  return { status: r.status, json, sent: bytes };
}
