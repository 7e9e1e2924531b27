/**
 * Where the register reaches the app's server. It is `application_url` in the repo's shopify.app.toml;
 * `config.test.ts` fails when the two drift apart, so a deploy that changes one changes both.
 */
export const APP_URL = "http://localhost:8787";

/** Past this a request counts as "slow network" and the register falls back to what it kept. */
export const REQUEST_TIMEOUT_MS = 4000;
