// jose, as Accord uses it. jose encodes and decodes base64url with Uint8Array.prototype.toBase64
// and Uint8Array.fromBase64 where the runtime has them (Node 22 and later), and otherwise through
// btoa/atob and a character loop: on Node 20 that was a tenth of a 100,000-record transfer's time
// (sealing and opening each pass every chunk through it). Here the two built-ins are supplied,
// when missing, by Node's own base64 codec, following the standard for the options jose uses.
// Every module that needs jose imports it from here, so the supply is in place before first use.

type Alphabet = 'base64' | 'base64url';
interface ToOptions {
  alphabet?: Alphabet;
  omitPadding?: boolean;
}
interface FromOptions {
  alphabet?: Alphabet;
  lastChunkHandling?: 'loose' | 'strict' | 'stop-before-partial';
}

const alphabetOf = (o: { alphabet?: unknown } | undefined): Alphabet => {
  const a = o?.alphabet ?? 'base64';
  if (a !== 'base64' && a !== 'base64url')
    throw new TypeError('alphabet must be base64 or base64url');
  return a;
};

/** Base64 text as the standard encodes it: padded unless told not to, in either alphabet. */
export function toBase64(bytes: Uint8Array, options?: ToOptions): string {
  const alphabet = alphabetOf(options);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(alphabet);
  // Node pads base64 and never pads base64url.
  if (alphabet === 'base64') return options?.omitPadding ? text.replace(/=+$/, '') : text;
  return options?.omitPadding ? text : text.padEnd(Math.ceil(text.length / 4) * 4, '=');
}

const VALID: Record<Alphabet, RegExp> = {
  base64: /^[A-Za-z0-9+/]*={0,2}$/,
  base64url: /^[A-Za-z0-9_-]*={0,2}$/,
};

/**
 * Bytes from base64 text, strictly as the standard's default ("loose") reads it: ASCII white
 * space is skipped, padding is optional, and any other character, a misplaced `=` or a lone
 * last character is a SyntaxError (Node's own decoder would skip or guess instead).
 */
export function fromBase64(text: string, options?: FromOptions): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('fromBase64 expects a string');
  const alphabet = alphabetOf(options);
  if ((options?.lastChunkHandling ?? 'loose') !== 'loose')
    throw new TypeError('only loose last-chunk handling is supported here');
  const s = /[\t\n\f\r ]/.test(text) ? text.replace(/[\t\n\f\r ]/g, '') : text;
  const body = s.replace(/=+$/, '');
  if (!VALID[alphabet].test(s) || body.length % 4 === 1 || (body !== s && s.length % 4 !== 0))
    throw new SyntaxError('not valid base64');
  const b = Buffer.from(body, alphabet);
  // A small Buffer is a slice of Node's shared pool: hand back memory of its own.
  return b.byteLength === b.buffer.byteLength
    ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    : new Uint8Array(b);
}

const U8 = Uint8Array as unknown as {
  fromBase64?: typeof fromBase64;
  prototype: { toBase64?: (this: Uint8Array, o?: ToOptions) => string };
};
if (!U8.prototype.toBase64)
  Object.defineProperty(Uint8Array.prototype, 'toBase64', {
    value: function (this: Uint8Array, o?: ToOptions) {
      return toBase64(this, o);
    },
    writable: true,
    configurable: true,
  });
if (!U8.fromBase64)
  Object.defineProperty(Uint8Array, 'fromBase64', {
    value: fromBase64,
    writable: true,
    configurable: true,
  });

export * from 'jose';
