// The one ajv set-up for record types (JSON Schema 2020-12, formats, the x-accord annotation
// keyword), shared by the record-types service and the import worker so both judge a row alike.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export function recordAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-accord', schemaType: 'object' });
  return ajv;
}
