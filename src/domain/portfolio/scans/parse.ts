// Reads a scanner's output, telling SARIF, CycloneDX and OSV apart when the sender does not say.
import { AccordError } from '../../../errors.ts';
import { parseCycloneDx } from './cyclonedx.ts';
import type { ParsedScan, ScanFormat } from './findings.ts';
import { obj } from './findings.ts';
import { parseOsv } from './osv.ts';
import { parseSarif } from './sarif.ts';

export const SCAN_FORMATS: readonly ScanFormat[] = ['sarif', 'cyclonedx', 'osv'];

export function detectFormat(doc: unknown): ScanFormat | undefined {
  const o = obj(doc);
  if (Array.isArray(doc)) return 'osv';
  if (o.bomFormat === 'CycloneDX') return 'cyclonedx';
  if (
    Array.isArray(o.runs) &&
    (typeof o.version === 'string' ||
      (typeof o.$schema === 'string' && o.$schema.includes('sarif')))
  )
    return 'sarif';
  if (
    Array.isArray(o.results) ||
    Array.isArray(o.vulns) ||
    (typeof o.id === 'string' && Array.isArray(o.affected))
  )
    return 'osv';
  return undefined;
}

/** Parses a scan given as text or as parsed JSON; `format` overrides detection. */
export function parseScan(input: unknown, format?: string): ParsedScan {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input.replace(/^\uFEFF/, ''));
    } catch {
      throw new AccordError(
        'SCAN_UNREADABLE',
        'The file is not JSON: SARIF, CycloneDX and OSV scans are JSON files.',
      );
    }
  }
  if (format && !(SCAN_FORMATS as readonly string[]).includes(format))
    throw new AccordError(
      'SCAN_UNREADABLE',
      `The format is sarif, cyclonedx or osv, not ${format}.`,
    );
  const f = (format as ScanFormat | undefined) ?? detectFormat(doc);
  if (f === 'sarif') return parseSarif(obj(doc));
  if (f === 'cyclonedx') return parseCycloneDx(obj(doc));
  if (f === 'osv') return parseOsv(doc);
  throw new AccordError('SCAN_UNREADABLE');
}
