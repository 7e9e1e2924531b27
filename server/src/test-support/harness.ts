import { signSessionToken } from "../auth/session-token";
import { WEBHOOK_API_VERSION } from "@c360/shared";
import { signWebhook } from "../auth/webhook-hmac";
import { DEMO_TOKEN_KEY, SHOPIFY_API_VERSION, type Config } from "../config";
import type { RateLimits } from "../config";
import { jsonLogger, silentLogger, type Logger } from "../http/logger";
import { createRuntime, type Runtime } from "../runtime";
import { ShopifyAdminStandIn } from "../../../tests/support/shopify-admin-stand-in";
import { openTestDatabase, type TestDbKind } from "./database";

export const TEST_SECRET = "test-app-secret";
export const TEST_API_KEY = "test-api-key";
export const SHOP_A = "shop-a.myshopify.com";
export const SHOP_B = "shop-b.myshopify.com";

export interface TestClock {
  (): Date;
  set(at: Date | string): void;
  advanceDays(days: number): void;
}

export function testClock(start: Date | string = "2026-11-25T12:00:00Z"): TestClock {
  let now = new Date(start);
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (at) => void (now = new Date(at));
  clock.advanceDays = (days) => void (now = new Date(now.getTime() + days * 86_400_000));
  return clock;
}

/** Test code reads response bodies loosely; assertions check their shape. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever a route answers
export type TestResponse = Omit<Response, "json"> & { json(): Promise<any> };

export interface TestServer {
  runtime: Runtime;
  clock: TestClock;
  config: Config;
  /** A session token for the shop, minted as Shopify would. */
  token(shopId?: string, opts?: { staffId?: string }): Promise<string>;
  /** Calls the app in-process with JSON and a session token (pass `token: null` to send none). */
  api(
    method: string,
    path: string,
    opts?: { body?: unknown; token?: string | null; shop?: string; headers?: Record<string, string> },
  ): Promise<TestResponse>;
  /** Sends a signed webhook as Shopify does. */
  webhook(
    topic: string,
    payload: unknown,
    opts?: { shop?: string; eventId?: string; secret?: string; hmac?: string | null; headers?: Record<string, string> },
  ): Promise<TestResponse>;
  /** Runs every queued job now. */
  drain(): Promise<number>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  kind?: TestDbKind;
  clock?: TestClock;
  rateLimits?: RateLimits;
  log?: Logger;
  queueBatchSize?: number;
  sites?: Config["sites"];
  shopifyAdminOrigin?: string;
  /** The server's public origin (what the storefront pixel is pointed at). */
  publicUrl?: string;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const clock = opts.clock ?? testClock();
  const database = await openTestDatabase(opts.kind);
  const config: Config = {
    port: 0,
    databaseUrl: database.url,
    apiKey: TEST_API_KEY,
    apiSecret: TEST_SECRET,
    dataDir: "",
    publicUrl: opts.publicUrl ?? "http://localhost",
    devSecret: false,
    rateLimits: opts.rateLimits,
    sites: opts.sites,
    ...(opts.shopifyAdminOrigin
      ? { shopify: { adminOrigin: opts.shopifyAdminOrigin, tokenKey: DEMO_TOKEN_KEY, apiVersion: SHOPIFY_API_VERSION } }
      : {}),
  };
  const runtime = await createRuntime(config, {
    log: opts.log ?? (process.env.C360_TEST_LOG ? jsonLogger() : silentLogger),
    clock,
    database,
    startWorkers: false,
    queueLockSeconds: 1,
    queueBatchSize: opts.queueBatchSize,
  });
  const token = (shopId = SHOP_A, o: { staffId?: string } = {}) =>
    signSessionToken({
      shopId,
      secret: TEST_SECRET,
      apiKey: TEST_API_KEY,
      staffId: o.staffId ?? "staff-1",
      now: clock(),
    });
  let eventCounter = 0;
  return {
    runtime,
    clock,
    config,
    token,
    async api(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      const tok = o.token === undefined ? await token(o.shop ?? SHOP_A) : o.token;
      if (tok) headers.authorization = `Bearer ${tok}`;
      let body: string | undefined;
      if (o.body !== undefined) {
        headers["content-type"] = "application/json";
        body = typeof o.body === "string" ? o.body : JSON.stringify(o.body);
      }
      return runtime.app.request(path, { method, headers, body });
    },
    async webhook(topic, payload, o = {}) {
      const body = typeof payload === "string" ? payload : JSON.stringify(payload);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-shopify-topic": topic,
        "x-shopify-shop-domain": o.shop ?? SHOP_A,
        "x-shopify-event-id": o.eventId ?? `evt-${Date.now()}-${++eventCounter}`,
        "x-shopify-webhook-id": `wh-${eventCounter}`,
        "x-shopify-api-version": WEBHOOK_API_VERSION,
        ...o.headers,
      };
      const hmac = o.hmac === undefined ? signWebhook(body, o.secret ?? TEST_SECRET) : o.hmac;
      if (hmac !== null) headers["x-shopify-hmac-sha256"] = hmac;
      return runtime.app.request("/webhooks/shopify", { method: "POST", headers, body });
    },
    drain: () => runtime.queue.drain(),
    close: () => runtime.close(),
  };
}

/** Runs a suite on both PGlite and PostgreSQL when the project is set to (see vitest.config.ts). */
/** A test server whose Admin API calls go to a local Shopify stand-in. */
export interface ConnectedTestServer extends TestServer {
  shopify: ShopifyAdminStandIn;
}

/**
 * A test server connected to a Shopify stand-in that knows this app's key and secret and reads the server's
 * clock (so session tokens and throttling agree); `close` stops both.
 */
export async function startConnectedTestServer(
  opts: Omit<TestServerOptions, "shopifyAdminOrigin"> & {
    /** false: the stand-in only serves files (a bulk result) and the server is not connected to it. */
    adminApi?: boolean;
  } = {},
): Promise<ConnectedTestServer> {
  const clock = opts.clock ?? testClock();
  const shopify = await new ShopifyAdminStandIn({
    apiKey: TEST_API_KEY,
    apiSecret: TEST_SECRET,
    now: () => clock().getTime(),
  }).start();
  const { adminApi = true, ...rest } = opts;
  const server = await startTestServer({ ...rest, clock, ...(adminApi ? { shopifyAdminOrigin: shopify.origin } : {}) });
  return {
    ...server,
    shopify,
    async close() {
      await server.close();
      await shopify.stop();
    },
  };
}

export const dbLabel = () => process.env.C360_TEST_DB ?? "pglite";
