// `accord import <asset> <file>`: streams a CSV or JSON Lines file into an information asset,
// all rows or none, with a progress bar (rate and ETA) and a report of every bad row.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { AccordError } from '../../errors.ts';
import { nodeActor } from '../../domain/policy/actor.ts';
import { formatOf } from '../../domain/records/import-rows.ts';
import type { ImportFormat } from '../../domain/records/import-rows.ts';
import type { Services } from '../../services.ts';
import { out, withServices } from '../context.ts';
import { progressBar } from '../progress.ts';

async function findAsset(s: Services, idOrName: string, org?: string) {
  const rows = await s.store.db
    .selectFrom('information_asset')
    .innerJoin('organisation', 'organisation.org_id', 'information_asset.org_id')
    .select([
      'information_asset.asset_id',
      'information_asset.org_id',
      'information_asset.name',
      'organisation.name as org_name',
    ])
    .execute();
  const matches = rows.filter(
    (r) =>
      (r.asset_id === idOrName || r.name.toLowerCase() === idOrName.toLowerCase()) &&
      (!org || r.org_id === org || r.org_name.toLowerCase() === org.toLowerCase()),
  );
  if (matches.length === 0)
    throw new AccordError(
      'NOT_FOUND',
      `There is no information asset “${idOrName}”${org ? ` in ${org}` : ''}.`,
    );
  if (matches.length > 1)
    throw new AccordError(
      'VALIDATION_FAILED',
      `“${idOrName}” names assets in ${matches.map((m) => m.org_name).join(' and ')}: add --org.`,
    );
  return matches[0]!;
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

export function importCommand(): Command {
  return new Command('import')
    .description(
      'Import a CSV or JSON Lines file into an information asset: every row is checked, and either all are imported or none',
    )
    .argument('<asset>', 'the asset’s id or name')
    .argument('<file>', 'a .csv or .jsonl file')
    .requiredOption(
      '--purpose <purpose>',
      'why the records are being imported (recorded in the audit log)',
    )
    .option('--org <id or name>', 'the organisation, when the asset name is not unique')
    .addOption(
      new Option('--format <format>', 'the file format, when the extension does not say').choices([
        'csv',
        'jsonl',
      ]),
    )
    .action(
      async (
        assetArg: string,
        file: string,
        opts: { purpose: string; org?: string; format?: ImportFormat },
      ) => {
        if (!fs.existsSync(file)) throw new AccordError('NOT_FOUND', `There is no file ${file}.`);
        const format = opts.format ?? formatOf(file);
        if (!format)
          throw new AccordError(
            'VALIDATION_FAILED',
            'Say the format with --format csv or --format jsonl.',
          );
        const report = await withServices(async (s) => {
          await s.imports.markInterrupted();
          const asset = await findAsset(s, assetArg, opts.org);
          const actor = { ...nodeActor(asset.org_id, 'accord CLI'), ref: 'cli' };
          const totalBytes = fs.statSync(file).size;
          const bar = progressBar('Importing');
          try {
            return await s.imports.run(actor, {
              assetId: asset.asset_id,
              format,
              fileName: path.basename(file),
              purpose: opts.purpose,
              totalBytes,
              fileSha256: await sha256File(file),
              stream: fs.createReadStream(file, { highWaterMark: 1 << 20 }),
              onProgress: (p) => bar.update(p.bytesRead, totalBytes),
              onStart: (id) => process.stderr.write(`Import ${id} started\n`),
            });
          } catch (e) {
            bar.stop();
            if (e instanceof AccordError && e.problems.length) {
              process.stderr.write(`${e.message}\n`);
              for (const p of e.problems.slice(0, 50))
                process.stderr.write(
                  `  line ${p.line ?? '?'}: ${p.field ? `${p.field}: ` : ''}${p.message}\n`,
                );
              if (e.problems.length > 50)
                process.stderr.write(`  … and more: see the import’s report page.\n`);
              throw new AccordError(e.code, e.message);
            }
            throw e;
          } finally {
            bar.stop();
          }
        });
        out(`Imported ${report.rowsImported} records into the asset (import ${report.id}).`);
      },
    );
}
