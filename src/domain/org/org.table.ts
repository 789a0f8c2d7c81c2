// Organisations: the tenants of a node. Every other table's org_id points here.
export interface OrganisationTable {
  org_id: string;
  name: string;
  /** council | police | health | fire | party | other */
  kind: string;
  /** e.g. an ODS code or a police force code */
  external_id: string | null;
  created_at: string;
  demo: number;
}

export interface OrgTables {
  organisation: OrganisationTable;
}
