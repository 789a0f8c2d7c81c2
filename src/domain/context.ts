// What every domain service is built with.
import type { Config } from '../config.ts';
import type { Store } from '../store/store.ts';
import type { AuditLog } from './audit/audit.service.ts';
import type { SecretBox } from './node/secret-box.ts';

export interface DomainContext {
  readonly config: Config;
  readonly store: Store;
  readonly audit: AuditLog;
  readonly box: SecretBox;
  readonly clock: () => Date;
}

/** Today's date (YYYY-MM-DD, UTC) on the context's clock. */
export function today(ctx: DomainContext): string {
  return ctx.clock().toISOString().slice(0, 10);
}
