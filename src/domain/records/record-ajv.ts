// The one ajv set-up for record types (JSON Schema 2020-12, formats, the x-accord annotation
// keyword), shared by the record-types service and the worker threads so all judge a row alike.
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const standaloneCode = standaloneModule as unknown as (ajv: Ajv2020, v: ValidateFunction) => string;

export function recordAjv(keepSource = false): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, code: { source: keepSource } });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-accord', schemaType: 'object' });
  return ajv;
}

/**
 * A record type's validator as the code ajv generated for it, for a worker thread to load: a
 * fresh thread takes about 200 ms to compile a type (ajv's compiler is not yet optimised there)
 * and about 1 ms to load this, so a big import or transfer starts on the worker sooner. `ajv`
 * must be made with recordAjv(true), so it kept the source of what it compiled.
 */
export function sourceOf(ajv: Ajv2020, validate: ValidateFunction): string {
  return standaloneCode(ajv, validate);
}

const requireHere = createRequire(import.meta.url);

/**
 * Loads what sourceOf made. The code is ajv's own output for a schema this node stored
 * and checked, handed over by this process's main thread; it needs only ajv's runtime helpers
 * and ajv-formats, which it requires.
 */
export function validatorFromSource(source: string): ValidateFunction {
  const module = { exports: {} as unknown };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see above: ajv's generated code
  const load = new Function('module', 'exports', 'require', source) as (
    m: typeof module,
    e: unknown,
    r: NodeJS.Require,
  ) => void;
  load(module, module.exports, requireHere);
  return module.exports as ValidateFunction;
}
