import { serve } from "@hono/node-server";
import { signSessionToken } from "./auth/session-token";
import { loadConfig } from "./config";
import { DatabaseUnavailableError } from "./db/client";
import { jsonLogger, type Logger } from "./http/logger";
import { createRuntime } from "./runtime";
import { DEMO_SHOP, DEMO_STAFF, demoAdminUrl, seedDemoShop } from "./seed/demo-shop";

/** `tsx src/main.ts [--demo]`: with --demo, embedded PGlite, a seeded demo shop and a printed dev token. */
async function main() {
  const demo = process.argv.includes("--demo");
  // biome-ignore lint/suspicious/noImplicitAnyLet: assigned in the try below, typed by what it is assigned
  let config;
  try {
    config = loadConfig(process.env, { demo });
  } catch (error) {
    console.error(`configuration error: ${(error as Error).message}`);
    process.exit(2);
  }
  const json = jsonLogger();
  // The demo seed calls the API a few hundred times; a line per request would bury the admin URL.
  let seeding = demo;
  const log: Logger = (event) => {
    if (!(seeding && event.msg === "request" && event.level === "info")) json(event);
  };
  // The one clock: the runtime, the demo seed and the dev token all read it.
  const clock = () => new Date();
  // biome-ignore lint/suspicious/noImplicitAnyLet: assigned in the try below, typed by what it is assigned
  let runtime;
  try {
    runtime = await createRuntime(config, { log, clock });
  } catch (error) {
    const reason =
      error instanceof DatabaseUnavailableError
        ? error.message
        : `cannot open the database: ${(error as Error).message}`;
    console.error(reason);
    process.exit(1);
  }
  if (demo) {
    const started = performance.now();
    const seeded = await seedDemoShop(runtime, { secret: config.apiSecret, apiKey: config.apiKey, clock });
    if (seeded) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const what = `${seeded.customers} customers, ${seeded.orders} orders, ${seeded.refunds} refunds`;
      console.log(`seeded ${DEMO_SHOP} in ${seconds} s: ${what}`);
    }
    seeding = false;
  }
  const server = serve({ fetch: runtime.app.fetch, port: config.port });
  const url = `http://localhost:${config.port}`;
  console.log(`Customer 360 is running at ${url} (database: ${runtime.db.kind})`);
  if (demo) {
    const token = await signSessionToken({
      shopId: DEMO_SHOP,
      secret: config.apiSecret,
      apiKey: config.apiKey,
      ttlSeconds: 7 * 86_400,
      staffId: DEMO_STAFF,
      now: clock(),
    });
    // The admin reads `?token=` once into sessionStorage and drops it from the address bar (admin/src/session.ts).
    console.log(`  admin:      ${demoAdminUrl(url, token)}`);
    console.log(`  companion:  ${url}/companion/`);
    console.log(`  dev session token for ${DEMO_SHOP} (valid 7 days):\n${token}`);
    console.log(`  try: curl -H "Authorization: Bearer <token>" "${url}/api/profiles?query=sarah"`);
  }
  const shutdown = async () => {
    server.close();
    await runtime.close();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

void main();
