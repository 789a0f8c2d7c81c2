// Projection onto an agreement's fields: the record a partner may see (a look-up's answer, a
// correction notice), and the same as canonical JSON text for a transfer's chunks, written
// straight from the payload.
import { canonical } from '../agreements/model.ts';

/**
 * How to write a record's agreed fields as canonical JSON without building the projected record:
 * the fields in canonical (code-unit) order, each with its quoted name. A big transfer writes
 * 100,000 of these; making each projected object, then sorting its keys, was a third of sealing.
 */
export function projection(
  fields: readonly string[],
): (payload: Record<string, unknown>) => string {
  const sorted = [...new Set(fields)].sort();
  const names = sorted.map((f) => `${JSON.stringify(f)}:`);
  return (payload) => {
    let out = '';
    for (let i = 0; i < sorted.length; i++) {
      const v = payload[sorted[i]!];
      if (v === undefined) continue;
      const text = v !== null && typeof v === 'object' ? canonical(v) : JSON.stringify(v);
      out += `${out ? ',' : ''}${names[i]!}${text}`;
    }
    return `{${out}}`;
  };
}

/** A record with only the agreed fields. */
export function project(
  payload: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (payload[f] !== undefined) out[f] = payload[f];
  return out;
}
