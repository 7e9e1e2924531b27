import type { ComplianceHandlers } from "./compliance";

/** GDPR pipelines (customers/redact, data requests, shop/redact). Recorded for now; run by the GDPR issue. */
export function complianceHandlers(_clock: () => Date): ComplianceHandlers {
  return {
    async customerRedact() {},
    async customerDataRequest() {},
    async shopRedact() {},
  };
}
