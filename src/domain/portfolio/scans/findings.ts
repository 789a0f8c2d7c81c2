// What every scanner format is read into: findings identified by the vulnerability (a CVE when
// one is known) and the component it is in, so the same vulnerability from two tools or two
// imports is one vulnerability.
import type { Severity } from '../settings.service.ts';

export type ScanFormat = 'sarif' | 'cyclonedx' | 'osv';

export interface Finding {
  /** CVE id when known, else the scanner's id (GHSA, OSV) or the SARIF rule id. */
  key: string;
  /** purl without version, or the file (and line or fingerprint) for code findings. */
  component: string;
  version: string | null;
  title: string;
  severity: Severity;
  score: number | null;
  aliases: string[];
  /** What the scan says: present and open, marked fixed, or not affected (VEX). */
  state: 'open' | 'fixed' | 'not_affected';
}

export interface ParsedScan {
  format: ScanFormat;
  tool: string;
  findings: Finding[];
}

export type Json = Record<string, unknown>;
export const obj = (v: unknown): Json =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() ? v.trim() : null;

/** The id to file a vulnerability under: its CVE when it or an alias is one. */
export function canonicalId(id: string, aliases: string[]): string {
  if (/^CVE-\d{4}-\d+$/i.test(id)) return id.toUpperCase();
  const cve = aliases.find((a) => /^CVE-\d{4}-\d+$/i.test(a));
  return cve ? cve.toUpperCase() : id;
}

/** A package URL split into the component (no version, qualifiers or subpath) and its version. */
export function splitPurl(purl: string): { component: string; version: string | null } {
  const noSub = purl.split('#')[0]!.split('?')[0]!;
  const at = noSub.lastIndexOf('@');
  const slash = noSub.lastIndexOf('/');
  const hasVersion = at > slash;
  let component = hasVersion ? noSub.slice(0, at) : noSub;
  const m = /^pkg:([^/]+)\/(.*)$/i.exec(component);
  if (m) {
    const type = m[1]!.toLowerCase();
    const name = type === 'pypi' ? m[2]!.toLowerCase().replace(/[-_.]+/g, '-') : m[2]!;
    component = `pkg:${type}/${name.replace(/^@/, '%40')}`;
  }
  return {
    component,
    version: hasVersion ? decodeURIComponent(noSub.slice(at + 1)) : null,
  };
}

const ECOSYSTEMS: Record<string, string> = {
  npm: 'npm',
  pypi: 'pypi',
  maven: 'maven',
  go: 'golang',
  'crates.io': 'cargo',
  rubygems: 'gem',
  nuget: 'nuget',
  packagist: 'composer',
  pub: 'pub',
  hex: 'hex',
  debian: 'deb',
  alpine: 'apk',
};

/** A package URL for an OSV package (ecosystem and name), without version. */
export function purlOf(ecosystem: string, name: string): string {
  const type = ECOSYSTEMS[ecosystem.toLowerCase().split(':')[0]!] ?? ecosystem.toLowerCase();
  const n = type === 'maven' ? name.replace(':', '/') : name;
  return splitPurl(`pkg:${type}/${n}`).component;
}
