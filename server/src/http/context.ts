import type { Config } from "../config";
import type { Database } from "../db/client";
import type { JobQueue } from "../jobs/queue";
import type { Logger } from "./logger";
import type { ShopifyAdmin } from "../shopify/admin";

export interface AppDeps {
  db: Database;
  config: Config;
  queue: JobQueue;
  clock: () => Date;
  log: Logger;
  /** Admin API access; absent when the app does not talk to Shopify (demo, most tests). */
  shopify?: ShopifyAdmin;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    /** Set by the session-token middleware on /api/*. */
    shopId: string;
    staffId: string | null;
    /** Set by the device-token middleware on /api/sync/*. */
    deviceId: string;
    deviceLocationId: string | null;
  };
}
