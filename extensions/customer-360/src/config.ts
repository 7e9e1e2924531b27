/**
 * Where the register reaches the app's server. From API 2025-10 on, POS resolves a relative URL
 * against the app's `application_url` and adds the ID token itself, so by default nothing is baked
 * in: the requests are "/api/...". Only a server elsewhere needs `C360_APP_URL` at build time: the
 * bundler (Shopify CLI, or scripts/build.mjs mirroring it) replaces `process.env.C360_APP_URL` with
 * its value, and scripts/build.mjs refuses an http:// URL in a production build.
 */
function configuredAppUrl(): string {
  try {
    return process.env.C360_APP_URL ?? "";
  } catch {
    // Not set at build time: POS has no `process`, and relative URLs are what we want.
    return "";
  }
}

export const APP_URL: string = configuredAppUrl();

/** Past this a request counts as "slow network" and the register falls back to what it kept. */
export const REQUEST_TIMEOUT_MS = 4000;
