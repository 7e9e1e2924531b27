import { createAdminApiClient } from "@shopify/admin-api-client";
import { throttleWaitMs, type GraphqlCost } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Config, ShopifyConfig } from "../config";
import type { Database, Queryable } from "../db/client";
import { queryRows, type RawRow } from "../db/rows";
import type * as tables from "../db/schema";
import type { Logger } from "../http/logger";
import { decryptToken, encryptToken } from "./token-crypto";

/** A job that must wait for the shop's cost bucket: the queue retries it after `retryAfterMs`. */
export class ShopifyThrottled extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`Shopify Admin API throttled this shop; retrying in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

/** No (or no longer a valid) access token for the shop: the next session token of the shop exchanges a new one. */
export class ShopifyNotConnected extends Error {
  constructor(shopId: string, why: string) {
    super(`${shopId} is not connected to the Shopify Admin API: ${why}`);
  }
}

export class ShopifyCallFailed extends Error {}

export interface GraphqlAnswer<T> {
  data: T;
  cost: GraphqlCost | null;
}

type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * Everything that talks to Shopify's Admin API for a shop: the token exchange (Shopify's documented
 * contract, one small POST) and GraphQL through Shopify's `@shopify/admin-api-client`. Every URL is
 * `https://{shop}` unless the config names a stand-in origin, which then replaces it for all calls.
 */
export class ShopifyAdmin {
  private readonly connected = new Set<string>();
  private readonly exchanges = new Map<string, Promise<boolean>>();
  /** When a shop's exchange last failed: the next attempt waits a minute, so requests do not each pay for one. */
  private readonly failedAt = new Map<string, number>();
  /** Called once after a shop's first successful exchange (e.g. to start its backfill). */
  onFirstConnect: (shopId: string) => Promise<void> = async () => {};

  constructor(
    private readonly db: Database,
    private readonly config: Pick<Config, "apiKey" | "apiSecret"> & { shopify: ShopifyConfig },
    private readonly log: Logger,
    private readonly clock: () => Date,
    private readonly fetchFn: FetchFn = (url, init) => fetch(url, init),
  ) {}

  /** `https://{shop}`, or the configured stand-in origin. */
  originFor(shopId: string): string {
    return this.config.shopify.adminOrigin ?? `https://${shopId}`;
  }

  /** Points a URL the library built for `https://{shop}` at the configured origin. */
  private rewrite(url: string): string {
    if (!this.config.shopify.adminOrigin) return url;
    const u = new URL(url);
    return `${this.config.shopify.adminOrigin}${u.pathname}${u.search}`;
  }

  /**
   * The first verified session token of a shop is exchanged for an offline token, once: concurrent
   * requests in this process share one exchange, and across processes an advisory lock and the stored
   * row decide. A failure is logged, never thrown: the request goes on without Admin API access.
   */
  async ensureConnected(shopId: string, sessionToken: string): Promise<boolean> {
    if (this.connected.has(shopId)) return true;
    const failed = this.failedAt.get(shopId);
    if (failed !== undefined && this.clock().getTime() - failed < 60_000) return false;
    let pending = this.exchanges.get(shopId);
    if (!pending) {
      pending = this.connect(shopId, sessionToken).finally(() => this.exchanges.delete(shopId));
      this.exchanges.set(shopId, pending);
    }
    return pending;
  }

  private async connect(shopId: string, sessionToken: string): Promise<boolean> {
    try {
      const exchanged = await this.db.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`c360:shopify-exchange:${shopId}`}))`);
        const [row] = await queryRows<RawRow<typeof tables.shopifyConnections, "shop_id">>(
          tx,
          sql`SELECT shop_id FROM shopify_connections WHERE shop_id = ${shopId}`,
        );
        if (row) return false;
        const { accessToken, scope } = await this.exchange(shopId, sessionToken);
        const stored = encryptToken(this.config.shopify.tokenKey, shopId, accessToken);
        await tx.execute(sql`INSERT INTO shopify_connections (shop_id, access_token_encrypted, scope, exchanged_at)
          VALUES (${shopId}, ${stored}, ${scope}, ${this.clock()})
          ON CONFLICT (shop_id) DO UPDATE SET access_token_encrypted = excluded.access_token_encrypted,
            scope = excluded.scope, exchanged_at = excluded.exchanged_at`);
        return true;
      });
      this.connected.add(shopId);
      this.failedAt.delete(shopId);
      if (exchanged) {
        this.log({ level: "info", msg: "shop connected to the Shopify Admin API", shop: shopId });
        await this.onFirstConnect(shopId);
      }
      return true;
    } catch (error) {
      this.failedAt.set(shopId, this.clock().getTime());
      this.log({ level: "warn", msg: "Shopify token exchange failed", shop: shopId, error: (error as Error).message });
      return false;
    }
  }

  /** Shopify's token exchange: the session token (an ID token) for an offline access token. */
  private async exchange(shopId: string, sessionToken: string): Promise<{ accessToken: string; scope: string | null }> {
    if (!this.config.apiKey)
      throw new ShopifyCallFailed("SHOPIFY_API_KEY is not set: the token exchange needs the app's client ID");
    const response = await this.fetchFn(`${this.originFor(shopId)}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        client_id: this.config.apiKey,
        client_secret: this.config.apiSecret,
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: sessionToken,
        subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
        requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
      }),
    });
    const body = (await response.json().catch(() => null)) as {
      access_token?: unknown;
      scope?: unknown;
      error?: unknown;
    } | null;
    if (!response.ok || typeof body?.access_token !== "string") {
      throw new ShopifyCallFailed(
        `token exchange answered ${response.status}${body?.error ? ` (${String(body.error)})` : ""}`,
      );
    }
    return { accessToken: body.access_token, scope: typeof body.scope === "string" ? body.scope : null };
  }

  /** The shop's stored access token, decrypted; null when the shop has none. */
  async accessToken(shopId: string, q: Queryable = this.db.db): Promise<string | null> {
    const [row] = await queryRows<RawRow<typeof tables.shopifyConnections, "access_token_encrypted">>(
      q,
      sql`SELECT access_token_encrypted FROM shopify_connections WHERE shop_id = ${shopId}`,
    );
    return row ? decryptToken(this.config.shopify.tokenKey, shopId, row.access_token_encrypted) : null;
  }

  /** Forgets a shop's token (app/uninstalled, or Shopify answering 401): the next session token re-exchanges. */
  async disconnect(shopId: string, q: Queryable = this.db.db): Promise<void> {
    this.connected.delete(shopId);
    await q.execute(sql`DELETE FROM shopify_connections WHERE shop_id = ${shopId}`);
  }

  /** Forgets only this process's memory of the shop being connected (the row was deleted elsewhere). */
  forget(shopId: string): void {
    this.connected.delete(shopId);
  }

  /**
   * One Admin GraphQL call through Shopify's client. THROTTLED becomes {@link ShopifyThrottled} with the wait
   * the answer's throttleStatus implies; 401 forgets the token; any other error throws with Shopify's message.
   * A job passes its transaction as `q` (PGlite has one connection: a second one would wait on the job's).
   */
  async graphql<T>(
    shopId: string,
    query: string,
    variables?: Record<string, unknown>,
    q: Queryable = this.db.db,
  ): Promise<GraphqlAnswer<T>> {
    const accessToken = await this.accessToken(shopId, q);
    if (!accessToken) throw new ShopifyNotConnected(shopId, "no access token yet");
    const client = createAdminApiClient({
      storeDomain: shopId,
      apiVersion: this.config.shopify.apiVersion,
      accessToken,
      customFetchApi: (url, init) => this.fetchFn(this.rewrite(String(url)), init as RequestInit),
      logger: () => {},
    });
    const answer = await client.request(query, { variables });
    const cost = ((answer.extensions as { cost?: GraphqlCost } | undefined)?.cost ?? null) as GraphqlCost | null;
    const errors = answer.errors;
    if (errors) {
      const gql = (errors.graphQLErrors ?? []) as { message?: string; extensions?: { code?: string } }[];
      if (gql.some((e) => e.extensions?.code === "THROTTLED")) {
        throw new ShopifyThrottled(cost ? throttleWaitMs(cost) : 1000);
      }
      if (errors.networkStatusCode === 401) {
        await this.disconnect(shopId, q);
        throw new ShopifyNotConnected(shopId, "Shopify answered 401 (token revoked or app uninstalled)");
      }
      const detail =
        gql
          .map((e) => e.message)
          .filter(Boolean)
          .join("; ") ||
        errors.message ||
        "unknown error";
      throw new ShopifyCallFailed(`Admin API ${errors.networkStatusCode ?? ""} ${detail}`.replace(/\s+/g, " ").trim());
    }
    return { data: answer.data as T, cost };
  }
}
