// The database as Kysely sees it: every module's table types, gathered in one interface.
// Conventions on both dialects: ids are text (UUIDs), times are ISO-8601 UTC strings (timestamptz
// on PostgreSQL, parsed back to strings), flags are integers 0/1, JSON is text, bytes are Buffers.
import type { AuditTables } from '../domain/audit/audit.table.ts';
import type { NodeTables } from '../domain/node/node.table.ts';
import type { OrgTables } from '../domain/org/org.table.ts';
import type { IdentityTables } from '../domain/identity/identity.table.ts';
import type { RolesTables } from '../domain/roles/roles.table.ts';
import type { TrainingTables } from '../domain/training/training.table.ts';
import type { KeysTables } from '../domain/keys/keys.table.ts';
import type { RecordsTables } from '../domain/records/records.table.ts';
import type { AgreementsTables } from '../domain/agreements/agreements.table.ts';
import type { GovernanceTables } from '../domain/governance/governance.table.ts';
import type { PortfolioTables } from '../domain/portfolio/portfolio.table.ts';
import type { ExchangeTables } from '../domain/exchange/exchange.table.ts';
import type { ReconcileTables } from '../domain/reconcile/reconcile.table.ts';
import type { RightsTables } from '../domain/rights/rights.table.ts';
import type { CorrectionsTables } from '../domain/corrections/corrections.table.ts';
import type { FederationTables } from '../domain/federation/federation.table.ts';

export interface DB
  extends
    AuditTables,
    NodeTables,
    OrgTables,
    IdentityTables,
    RolesTables,
    TrainingTables,
    KeysTables,
    RecordsTables,
    AgreementsTables,
    GovernanceTables,
    PortfolioTables,
    ExchangeTables,
    RightsTables,
    ReconcileTables,
    CorrectionsTables,
    FederationTables {}
