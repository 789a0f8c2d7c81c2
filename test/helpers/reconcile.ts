// Reconciliation fixtures: a membership list asset filled with generated members.
import { Readable } from 'node:stream';
import type { Asset } from '../../src/domain/records/assets.service.ts';
import type { Services } from '../../src/services.ts';
import type { OrgFixture } from './people.ts';

export async function memberAsset(
  s: Services,
  org: OrgFixture,
  name = 'Membership list',
): Promise<Asset> {
  return s.assets.create(await org.actor('iao'), {
    name,
    ownerPersonId: org.people.iao.personId,
    typeKey: 'member',
    classification: 'OFFICIAL-SENSITIVE',
    lawfulBasis: 'art6-1-f',
    specialCondition: 'art9-2-d',
    retentionPeriod: 'P6Y',
    retentionFrom: 'joinedOn',
    retentionAction: 'delete',
    application: 'Membership system',
  });
}

/** Imports members (JSON Lines through the ordinary import) and returns the job. */
export async function importMembers(
  s: Services,
  org: OrgFixture,
  assetId: string,
  members: readonly object[],
) {
  const job = await s.imports.run(await org.actor('iao'), {
    assetId,
    format: 'jsonl',
    fileName: 'members.jsonl',
    stream: Readable.from(members.map((m) => `${JSON.stringify(m)}\n`)),
    purpose: 'membership list load',
  });
  if (job.status !== 'committed') throw new Error(`import ${job.status}: ${job.message}`);
  return job;
}
