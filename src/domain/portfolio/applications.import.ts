// Imports the applications register from CSV: a row whose name matches an application updates
// it, any other row adds one. Every row is checked first; one bad row imports nothing.
import { randomUUID } from 'node:crypto';
import { AccordError } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import * as repo from './applications.repository.ts';
import * as hostsRepo from './availability.repository.ts';
import type { ApplicationInput } from './applications.validate.ts';
import { EMPTY_FIELDS, applyInput } from './applications.validate.ts';
import { assertApplicationProblems } from './applications.service.ts';
import { assertNoRowProblems, readCsv } from './csv.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import { yesNo } from './portfolio.common.ts';

export const APPLICATION_COLUMNS = [
  'name',
  'description',
  'business_owner',
  'product_manager',
  'critical',
  'lifecycle',
  'phase_in_on',
  'active_on',
  'phase_out_on',
  'end_of_life_on',
  'onboarded',
  'budget_line',
  'annual_cost',
  'hosting',
  'vendor',
  'repository_url',
  'health_check_url',
  'production_environment',
  'status_public',
] as const;

export async function importApplications(
  p: PortfolioContext,
  actor: Actor,
  csv: string,
): Promise<{ created: number; updated: number }> {
  return withAccess(p.ctx, actor, async (gate) => {
    gate.require('portfolio.manage', { orgId: actor.orgId, ref: 'applications-import' });
    const rows = readCsv(csv, APPLICATION_COLUMNS, ['name']);
    const hosts = await hostsRepo.hostNames(gate.tx, actor.orgId);
    const problems: Problem[] = [];
    const seen = new Map<string, number>();
    const work: {
      id: string | undefined;
      fields: Awaited<ReturnType<typeof applyInput>>['fields'];
    }[] = [];
    for (const r of rows) {
      const input: ApplicationInput = {};
      const flag = (col: string, key: 'critical' | 'onboarded' | 'statusPublic'): void => {
        if (!r.has(col)) return;
        const v = yesNo(r.get(col));
        if (v === undefined)
          problems.push({ line: r.line, field: col, message: `“${r.get(col)}” is not yes or no` });
        else input[key] = v;
      };
      const text = (col: string, key: keyof ApplicationInput): void => {
        if (r.has(col)) (input as Record<string, unknown>)[key] = r.get(col);
      };
      text('name', 'name');
      text('description', 'description');
      for (const [col, key] of [
        ['business_owner', 'businessOwnerId'],
        ['product_manager', 'productManagerId'],
      ] as const) {
        if (!r.has(col)) continue;
        const email = r.get(col).toLowerCase();
        if (!email) {
          input[key] = null;
          continue;
        }
        const id = await p.people.idByEmail(gate.tx, actor.orgId, email);
        if (!id)
          problems.push({
            line: r.line,
            field: col,
            message: `No one in your organisation has the email address “${r.get(col)}”`,
          });
        else input[key] = id;
      }
      flag('critical', 'critical');
      flag('onboarded', 'onboarded');
      flag('status_public', 'statusPublic');
      text('lifecycle', 'lifecycle');
      text('phase_in_on', 'phaseInOn');
      text('active_on', 'activeOn');
      text('phase_out_on', 'phaseOutOn');
      text('end_of_life_on', 'endOfLifeOn');
      text('budget_line', 'budgetLine');
      text('annual_cost', 'annualCost');
      text('hosting', 'hosting');
      text('vendor', 'vendorName');
      text('repository_url', 'repositoryUrl');
      text('health_check_url', 'healthCheckUrl');
      text('production_environment', 'productionEnvironment');
      if (input.lifecycle === '') delete input.lifecycle;
      if (input.hosting === '') delete input.hosting;
      if (input.productionEnvironment === '') delete input.productionEnvironment;
      const name = r.get('name');
      const key = name.toLowerCase();
      if (seen.has(key))
        problems.push({
          line: r.line,
          field: 'name',
          message: `${name} is also on line ${seen.get(key)}: each application once`,
        });
      seen.set(key, r.line);
      const existing = name ? await repo.byName(gate.tx, actor.orgId, name) : undefined;
      const applied = await applyInput(
        p,
        gate.tx,
        actor.orgId,
        existing ?? EMPTY_FIELDS,
        input,
        hosts,
        r.line,
      );
      problems.push(...applied.problems);
      work.push({ id: existing?.app_id, fields: applied.fields });
    }
    if (problems.some((x) => x.field === 'healthCheckUrl'))
      assertApplicationProblems(
        problems,
        'Some health-check addresses are refused: nothing was imported.',
      );
    assertNoRowProblems(problems);
    const at = p.ctx.clock().toISOString();
    let created = 0;
    let updated = 0;
    for (const w of work) {
      if (w.id) {
        await repo.updateApplication(gate.tx, actor.orgId, w.id, {
          ...w.fields,
          updated_by: actor.ref,
          updated_at: at,
        });
        updated++;
      } else {
        await repo.insertApplication(gate.tx, {
          ...w.fields,
          app_id: randomUUID(),
          org_id: actor.orgId,
          webhook_secret: null,
          created_by: actor.ref,
          created_at: at,
          updated_by: actor.ref,
          updated_at: at,
        });
        created++;
      }
    }
    if (created + updated === 0)
      throw new AccordError('VALIDATION_FAILED', 'The file has no rows to import.');
    gate.record('portfolio.applications.imported', 'applications-import', { created, updated });
    return { created, updated };
  });
}
