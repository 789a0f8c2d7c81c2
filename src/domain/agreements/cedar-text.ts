// Writing Cedar policy text: string and set literals, entity references, instants, comments.
import type { Operation } from './model.ts';
import { NS } from './cedar-schema.ts';

/** A Cedar string literal (Cedar escapes: \\ \" \n \r \t \0 \u{…}). */
export function str(s: string): string {
  return `"${[...s]
    .map((ch) => {
      const c = ch.codePointAt(0)!;
      if (ch === '\\' || ch === '"') return `\\${ch}`;
      if (ch === '\n') return '\\n';
      if (ch === '\r') return '\\r';
      if (ch === '\t') return '\\t';
      if (c < 0x20 || c === 0x7f) return `\\u{${c.toString(16)}}`;
      return ch;
    })
    .join('')}"`;
}
export const strings = (xs: Iterable<string>): string => `[${[...xs].map(str).join(', ')}]`;
// Strict validation forbids empty set literals: an empty set contains nothing.
export const oneOf = (items: Iterable<string>, e: string): string => {
  const xs = [...items];
  return xs.length ? `${strings(xs)}.contains(${e})` : 'false';
};
export const org = (id: string): string => `${NS}::Organisation::${str(id)}`;
export const act = (op: Operation): string => `${NS}::Action::${str(op)}`;
export const datetime = (ms: number): string => `datetime(${str(new Date(ms).toISOString())})`;
export const ukDay = (ms: number): string =>
  new Date(ms).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
/** A comment line safe to put in policy text. */
export const note = (s: string): string => `// ${s.replace(/[\r\n]+/g, ' ')}`;
