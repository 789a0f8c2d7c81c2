// The common data model, information assets, records, the identifier index and imports.
export interface RecordTypeTable {
  type_id: string;
  org_id: string;
  /** Stable name (person, member, …); agreements refer to types by key. */
  key: string;
  version: number;
  title: string;
  description: string;
  /** JSON Schema 2020-12 with an `x-accord` annotation on every field. */
  schema: string;
  created_by: string;
  created_at: string;
}

export interface InformationAssetTable {
  asset_id: string;
  org_id: string;
  name: string;
  description: string;
  /** The Information Asset Owner: a person who should hold the IAO role. */
  owner_person_id: string | null;
  type_key: string;
  /** OFFICIAL | OFFICIAL-SENSITIVE */
  classification: string;
  /** UK GDPR Art. 6(1)(a)–(f), or DPA 2018 Part 3 */
  lawful_basis: string;
  /** Art. 9(2) condition where special-category data is held, with its DPA 2018 Sch. 1 condition. */
  special_condition: string | null;
  /** ISO 8601 period, e.g. P6Y; null when there is no rule yet (flagged). */
  retention_period: string | null;
  /** The date field the period runs from. */
  retention_from: string | null;
  /** delete | pseudonymise */
  retention_action: string;
  /** The application that holds it (free text). */
  application: string | null;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface RecordTable {
  record_id: string;
  org_id: string;
  asset_id: string;
  type_id: string;
  subject_id: string;
  version: number;
  /** Sealed JSON (see sealing.ts); the database never holds the payload in clear. */
  payload: Buffer;
  key_version: number;
  /** manual | import:<id> | transfer:<id> */
  source: string;
  /** The first day the retention rule says the record is due (YYYY-MM-DD), when known. */
  retain_until: string | null;
  status: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  /**
   * Set while processing is restricted (UK GDPR Art. 18; migration 0010): the record is kept but
   * excluded from transfers, look-ups and checks. Optional so writers need not name it.
   */
  restricted_at?: string | null;
  restriction_reason?: string | null;
}

/** The identifier index: keyed hashes only, each pointing at the subject it identifies. */
export interface RecordIdentifierTable {
  org_id: string;
  /** HMAC-SHA-256(index key, scheme:normalised value), first 16 bytes. */
  hash: Buffer;
  subject_id: string;
}

export interface ImportJobTable {
  import_id: string;
  org_id: string;
  asset_id: string;
  format: string;
  file_name: string;
  file_sha256: string | null;
  purpose: string;
  /** running | committed | failed | interrupted */
  status: string;
  rows_read: number;
  rows_imported: number;
  rows_failed: number;
  /** The first 1,000 problems, JSON. */
  problems: string;
  message: string | null;
  /** host:pid of the process running it, to tell a crashed import from a running one. */
  runner: string;
  started_by: string;
  started_at: string;
  finished_at: string | null;
}

export interface RecordsTables {
  record_type: RecordTypeTable;
  information_asset: InformationAssetTable;
  record: RecordTable;
  record_identifier: RecordIdentifierTable;
  import_job: ImportJobTable;
}
