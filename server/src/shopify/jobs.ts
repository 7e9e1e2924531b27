import type { JobHandler } from "../jobs/queue";
import type { ShopifyAdmin } from "./admin";

/** Job kinds that call the Admin API; each is idempotent by its ref, so a retry never doubles a write. */
export function shopifyJobHandlers(_admin: ShopifyAdmin, _clock: () => Date): Record<string, JobHandler> {
  return {};
}
