import { fileURLToPath } from "node:url";
import { z } from "zod";

/** A built front end the server serves (`http/static-site.ts` mounts it). */
export interface StaticSite {
  mount: string;
  dist: string;
  name: string;
}

export interface RateLimits {
  /** Requests per shop per window on the session-token API. */
  perShop: number;
  /** Requests per device per window on /api/sync/*. */
  perDevice: number;
  windowMs: number;
  /** Pairing attempts per client address, and over all clients, per minute (defaults in DEFAULT_PAIRING_LIMITS). */
  pairPerAddress?: number;
  pairOverall?: number;
  /**
   * Pixel batches per shop and per browser, and message-event calls per API key, per window (DEFAULT_SIGNAL_LIMITS).
   */
  pixelPerShop?: number;
  pixelPerClient?: number;
  messagingPerKey?: number;
}

/** Generous defaults: a busy shop with many registers stays far below them; a runaway client does not. */
export const DEFAULT_RATE_LIMITS: RateLimits = { perShop: 3000, perDevice: 600, windowMs: 10_000 };

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL (leave it unset for embedded PGlite)")
    .optional(),
  SHOPIFY_API_KEY: z.string().min(1).optional(),
  SHOPIFY_API_SECRET: z.string().min(1).optional(),
  C360_DATA_DIR: z
    .string()
    .min(1)
    .default(fileURLToPath(new URL("../../.data", import.meta.url))),
  C360_PUBLIC_URL: z.string().url().optional(),
  C360_QUEUE_LOCK_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  C360_RATE_LIMIT_SHOP: z.coerce.number().int().min(1).optional(),
  C360_RATE_LIMIT_DEVICE: z.coerce.number().int().min(1).optional(),
  NODE_ENV: z.string().optional(),
  C360_SHOPIFY_ADMIN_ORIGIN: z
    .string()
    .url("C360_SHOPIFY_ADMIN_ORIGIN must be an origin like http://127.0.0.1:9999")
    .optional(),
  C360_TOKEN_ENCRYPTION_KEY: z
    .string()
    .regex(
      /^[A-Za-z0-9+/]{43}=$/,
      "C360_TOKEN_ENCRYPTION_KEY must be 32 random bytes in base64 (openssl rand -base64 32)",
    )
    .optional(),
});

export interface Config {
  port: number;
  databaseUrl: string | undefined;
  apiKey: string | undefined;
  apiSecret: string;
  dataDir: string;
  publicUrl: string;
  devSecret: boolean;
  /** How long a claimed job stays hidden from other workers; a crashed worker's jobs reappear after it. */
  queueLockSeconds?: number;
  /** Requests per 10 s per shop and per device; defaults above. */
  rateLimits?: RateLimits;
  /** The built front ends to serve; defaults to `SITES` (tests can serve pages they own instead). */
  sites?: readonly StaticSite[];
  /** Admin API access (token exchange, GraphQL); absent: the app never calls Shopify (demo, most tests). */
  shopify?: ShopifyConfig;
}

export interface ShopifyConfig {
  /** Replaces https://{shop} for every Admin API and token call (tests and local development only). */
  adminOrigin: string | null;
  /** AES-256-GCM key for access tokens at rest. */
  tokenKey: Uint8Array;
  apiVersion: string;
}

/** The Admin API version every call uses; the same as the webhook subscriptions in shopify.app.toml. */
export const SHOPIFY_API_VERSION = "2025-07";
/** Dev and test only: a well-known token key, refused when NODE_ENV=production. */
export const DEMO_TOKEN_KEY = new Uint8Array(32).fill(7);

/** Only for `--demo` runs: a well-known secret so the printed dev session token works out of the box. */
export const DEV_API_SECRET = "c360-dev-secret-do-not-use-in-production";

/** Reads the environment once at start. Throws one readable line per problem. */
export function loadConfig(env: NodeJS.ProcessEnv, opts: { demo: boolean }): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  const e = parsed.data;
  if (!e.SHOPIFY_API_SECRET && !opts.demo) {
    throw new Error("SHOPIFY_API_SECRET is not set: the server cannot verify session tokens or webhooks without it");
  }
  const production = e.NODE_ENV === "production";
  if (production && e.C360_SHOPIFY_ADMIN_ORIGIN) {
    throw new Error(
      "C360_SHOPIFY_ADMIN_ORIGIN is for tests and local development; it is refused when NODE_ENV=production",
    );
  }
  if (production && e.SHOPIFY_API_SECRET && !e.C360_TOKEN_ENCRYPTION_KEY) {
    throw new Error("C360_TOKEN_ENCRYPTION_KEY is not set: Admin API tokens cannot be stored without it in production");
  }
  // A real app secret (or a stand-in origin) means Shopify is there to talk to; a --demo run never calls it.
  const talksToShopify =
    Boolean(e.C360_SHOPIFY_ADMIN_ORIGIN) || (Boolean(e.SHOPIFY_API_SECRET) && Boolean(e.SHOPIFY_API_KEY));
  const shopify: ShopifyConfig | undefined = talksToShopify
    ? {
        adminOrigin: e.C360_SHOPIFY_ADMIN_ORIGIN ? new URL(e.C360_SHOPIFY_ADMIN_ORIGIN).origin : null,
        tokenKey: e.C360_TOKEN_ENCRYPTION_KEY
          ? new Uint8Array(Buffer.from(e.C360_TOKEN_ENCRYPTION_KEY, "base64"))
          : DEMO_TOKEN_KEY,
        apiVersion: SHOPIFY_API_VERSION,
      }
    : undefined;
  return {
    ...(shopify ? { shopify } : {}),
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    apiKey: e.SHOPIFY_API_KEY,
    apiSecret: e.SHOPIFY_API_SECRET ?? DEV_API_SECRET,
    dataDir: e.C360_DATA_DIR,
    publicUrl: e.C360_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    devSecret: !e.SHOPIFY_API_SECRET,
    queueLockSeconds: e.C360_QUEUE_LOCK_SECONDS,
    rateLimits: {
      ...DEFAULT_RATE_LIMITS,
      ...(e.C360_RATE_LIMIT_SHOP ? { perShop: e.C360_RATE_LIMIT_SHOP } : {}),
      ...(e.C360_RATE_LIMIT_DEVICE ? { perDevice: e.C360_RATE_LIMIT_DEVICE } : {}),
    },
  };
}
