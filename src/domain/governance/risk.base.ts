// The parts every risk-register operation shares: loading with the access decision and turning
// rows into risks with their actions, links and appetite.
import type { DomainContext } from '../context.ts';
import { today } from '../context.ts';
import type { Action } from '../policy/permissions.ts';
import type { Gate } from '../policy/gate.ts';
import type { Executor } from '../../store/store.ts';
import type { GovernancePeople } from './common.ts';
import type { RiskTable } from './governance.table.ts';
import type { LinkRegistry } from './links.ts';
import * as repo from './risk.repository.ts';
import { toRisk } from './risk.view.ts';
import type { Risk } from './risk.view.ts';

export class RiskCore {
  constructor(
    protected readonly ctx: DomainContext,
    protected readonly people: GovernancePeople,
    protected readonly links: LinkRegistry,
  ) {}

  protected async load(gate: Gate, riskId: string, action: Action): Promise<RiskTable> {
    const row = await repo.anyOrg(gate.tx, riskId);
    gate.require(action, { orgId: row?.org_id ?? '', ref: `risk:${riskId}` });
    return row!;
  }

  /** Rows as risks, read in `ex` (the checked work's transaction, or the store for the dashboard). */
  protected async views(
    ex: Executor,
    orgId: string,
    rows: RiskTable[],
    withLinks: boolean,
  ): Promise<Risk[]> {
    const names = await this.people.names(ex, orgId);
    const actions = await repo.actions(ex, orgId, rows.length === 1 ? rows[0]!.risk_id : undefined);
    const appetite = new Map(
      (await repo.appetite(ex, orgId)).map((a) => [a.category, a.max_score]),
    );
    const out: Risk[] = [];
    for (const r of rows)
      out.push(
        toRisk(r, {
          today: today(this.ctx),
          names,
          actions: actions.filter((a) => a.risk_id === r.risk_id),
          links: withLinks ? await this.links.of(ex, orgId, 'risk', r.risk_id) : [],
          appetite,
        }),
      );
    return out;
  }
}
