// The reconciliation module's services, built once on the domain context with what they need
// from the other modules (services.ts calls this): the keys that open records, the asset
// register, and the segregation-of-duties check for second approvals.
import type { DomainContext } from '../context.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { AssetsService } from '../records/assets.service.ts';
import type { DutiesService } from '../roles/duties.service.ts';
import { AccuracyService } from './accuracy.service.ts';
import { OverridesService } from './overrides.service.ts';
import { ReconcileService } from './reconcile.service.ts';
import { VariancesService } from './variances.service.ts';

export interface ReconcileModule {
  /** Runs: two sources compared, with their counts. */
  reconciliations: ReconcileService;
  /** Each run's variance list, filtered and exported. */
  variances: VariancesService;
  /** Overrides of variances, with second approval where eligibility changes. */
  overrides: OverridesService;
  /** Disputed / verified flags on records. */
  accuracy: AccuracyService;
}

export interface ReconcileDeps {
  keyring: KeyService;
  assets: AssetsService;
  duties: DutiesService;
}

export function createReconcile(ctx: DomainContext, d: ReconcileDeps): ReconcileModule {
  const variances = new VariancesService(ctx, d.keyring);
  return {
    reconciliations: new ReconcileService(ctx, d.keyring, d.assets),
    variances,
    overrides: new OverridesService(ctx, variances, (gate, target, a, b) =>
      d.duties.assertSeparate(gate, target, a, b),
    ),
    accuracy: new AccuracyService(ctx),
  };
}
