import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  customerNode,
  lineItemNode,
  orderNode,
  type StandInCustomer,
  type StandInOrder,
} from "./shopify-admin-fixtures";

/**
 * A local Shopify Admin API on loopback, following Shopify's documented contract closely enough for the
 * app's real requests: token exchange (POST /admin/oauth/access_token), Admin GraphQL at
 * /admin/api/{version}/graphql.json with `extensions.cost` and a leaky bucket (1000 points, 100/s restore)
 * answering THROTTLED when empty, the bulk operation lifecycle with a JSONL result served here, and the
 * mutations the app uses with Shopify's user errors. The bucket restores on `now()`, so a test can pass
 * the server's clock and restore it by advancing that clock.
 */
export interface StandInOptions {
  apiKey: string;
  apiSecret: string;
  now?: () => number;
}

export interface ConsentUpdate {
  customerId: string;
  channel: "email" | "sms";
  marketingState: string;
  consentUpdatedAt: string | null;
  sourceLocationId: string | null;
}

export interface BulkOperation {
  id: string;
  query: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED";
  polls: number;
  lines: string[];
}

const COST = { query: 12, mutation: 10, bulk: 10 };
const MAX_POINTS = 1000;
const RESTORE_RATE = 100;

export class ShopifyAdminStandIn {
  readonly customers = new Map<string, StandInCustomer>();
  readonly orders = new Map<string, StandInOrder>();
  readonly tokens = new Map<string, string>();
  readonly exchanges: { shop: string; token: string }[] = [];
  readonly consentUpdates: ConsentUpdate[] = [];
  readonly createdCustomers: string[] = [];
  /** customerMerge calls that succeeded: `kept` is the resulting customer, `deleted` the one merged away. */
  readonly customerMerges: { kept: string; deleted: string }[] = [];
  /** App-owned metafields by customer ID, `namespace.key` → value; and how many metafieldsSet calls came. */
  readonly metafields = new Map<string, Record<string, string>>();
  metafieldsSetCalls = 0;
  /** The app's web pixel on this shop (one per app and shop, as on Shopify), and the settings it was given. */
  webPixel: { id: string; settings: string } | null = null;
  readonly bulkOperations: BulkOperation[] = [];
  /** Every GraphQL request's operation, in arrival order, with whether it was throttled. */
  readonly calls: { op: string; throttled: boolean }[] = [];
  /** The next bulk operation ends FAILED (Shopify's errorCode INTERNAL_SERVER_ERROR). */
  failNextBulk = false;
  /** Every download of a bulk result: its operation, the Range header it sent and the status answered. */
  readonly resultDownloads: { operation: string; range: string | null; status: number }[] = [];
  /** Asked at each result download: a number of bytes to send of its body before dropping the connection. */
  breakDownload: ((download: { operation: string; range: string | null }) => number | null) | null = null;
  /** Rewrites the next completed bulk operation's lines (a test's unreadable or foreign lines). */
  editNextResult: ((lines: string[]) => string[]) | null = null;
  private available = MAX_POINTS;
  private restoredAt: number;
  private nextId = 9_100_000_000_000_000_000n;
  private server: Server | null = null;
  origin = "";

  constructor(private readonly opts: StandInOptions) {
    this.restoredAt = this.now();
  }

  /** Shopify checks the settings against the extension's definition: here, the one `serverUrl` text field. */
  private invalidPixelSettings(settings: unknown) {
    const fail = (code: string, message: string) => ({ field: ["webPixel", "settings"], message, code });
    if (typeof settings !== "string") return fail("INVALID_CONFIGURATION_JSON", "Settings is not valid JSON.");
    let parsed: unknown;
    try {
      parsed = JSON.parse(settings);
    } catch {
      return fail("INVALID_CONFIGURATION_JSON", "Settings is not valid JSON.");
    }
    const url = (parsed as { serverUrl?: unknown } | null)?.serverUrl;
    const keys = parsed && typeof parsed === "object" ? Object.keys(parsed) : [];
    if (typeof url !== "string" || url.length < 8 || url.length > 200 || keys.some((k) => k !== "serverUrl"))
      return fail("INVALID_SETTINGS", "Settings do not match the web pixel's settings definition.");
    return null;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  async start(): Promise<this> {
    this.server = createServer(
      (req, res) => void this.handle(req, res).catch((e: Error) => send(res, 500, { errors: e.message })),
    );
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  addCustomers(list: readonly StandInCustomer[]) {
    for (const c of list) this.customers.set(c.id, c);
  }

  addOrders(list: readonly StandInOrder[]) {
    for (const o of list) this.orders.set(o.id, o);
  }

  /** A completed bulk operation with these result lines, as a test's own file to read; answers its URL. */
  addResult(lines: string[]): string {
    const op: BulkOperation = {
      id: `gid://shopify/BulkOperation/${this.bulkOperations.length + 1}`,
      query: "",
      status: "COMPLETED",
      polls: 0,
      lines,
    };
    this.bulkOperations.push(op);
    return `${this.origin}/bulk-results/${encodeURIComponent(op.id)}.jsonl`;
  }

  /** Empties the cost bucket now (it restores at 100 points per second of `now()`). */
  emptyBucket() {
    this.bucket();
    this.available = 0;
  }

  private bucket(): number {
    const at = this.now();
    this.available = Math.min(MAX_POINTS, this.available + ((at - this.restoredAt) / 1000) * RESTORE_RATE);
    this.restoredAt = at;
    return this.available;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", this.origin);
    if (req.method === "GET" && url.pathname.startsWith("/bulk-results/")) {
      const op = this.bulkOperations.find((b) => url.pathname === `/bulk-results/${encodeURIComponent(b.id)}.jsonl`);
      if (op?.status !== "COMPLETED") return send(res, 404, { errors: "Not Found" });
      return this.sendResult(op, req.headers.range ?? null, res);
    }
    const body = JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>;
    if (req.method === "POST" && url.pathname === "/admin/oauth/access_token") return this.tokenExchange(body, res);
    if (req.method === "POST" && /^\/admin\/api\/[\w-]+\/graphql\.json$/.test(url.pathname)) {
      const shop = this.tokens.get(String(req.headers["x-shopify-access-token"] ?? ""));
      if (!shop)
        return send(res, 401, {
          errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
        });
      return this.graphql(String(body.query ?? ""), (body.variables ?? {}) as Record<string, unknown>, res);
    }
    send(res, 404, { errors: "Not Found" });
  }

  /** Shopify's token exchange: checks the client credentials and the session token (HS256 with the app secret). */
  private tokenExchange(body: Record<string, unknown>, res: ServerResponse) {
    const ok =
      body.client_id === this.opts.apiKey &&
      body.client_secret === this.opts.apiSecret &&
      body.grant_type === "urn:ietf:params:oauth:grant-type:token-exchange" &&
      body.subject_token_type === "urn:ietf:params:oauth:token-type:id_token" &&
      body.requested_token_type === "urn:shopify:params:oauth:token-type:offline-access-token";
    const claims = ok ? verifyHs256(String(body.subject_token ?? ""), this.opts.apiSecret) : null;
    const shop = typeof claims?.dest === "string" ? new URL(claims.dest).hostname : null;
    if (!shop || claims?.aud !== this.opts.apiKey)
      return send(res, 400, { error: "invalid_subject_token", error_description: "session token is not valid" });
    const token = `shpat_${randomUUID().replace(/-/g, "")}`;
    this.tokens.set(token, shop);
    this.exchanges.push({ shop, token });
    send(res, 200, {
      access_token: token,
      scope:
        "read_customers,write_customers,read_orders,read_all_orders,read_locations,write_pixels,read_customer_events",
    });
  }

  private graphql(query: string, variables: Record<string, unknown>, res: ServerResponse) {
    const op = operationOf(query);
    const requested =
      op === "bulkOperationRunQuery"
        ? COST.bulk
        : query.trimStart().startsWith("mutation")
          ? COST.mutation
          : COST.query;
    const available = this.bucket();
    const throttleStatus = () => ({
      maximumAvailable: MAX_POINTS,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: RESTORE_RATE,
    });
    if (available < requested) {
      this.calls.push({ op, throttled: true });
      return send(res, 200, {
        errors: [
          {
            message: "Throttled",
            extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() },
        },
      });
    }
    this.available -= requested;
    this.calls.push({ op, throttled: false });
    const data = this.resolve(op, query, variables);
    send(res, 200, {
      data,
      extensions: {
        cost: { requestedQueryCost: requested, actualQueryCost: requested, throttleStatus: throttleStatus() },
      },
    });
  }

  private resolve(op: string, query: string, v: Record<string, unknown>): unknown {
    const userError = (field: string, message: string) => ({ field: [field], message });
    switch (op) {
      case "customer": {
        const c = this.customers.get(idOf(v.id));
        if (!c) return { customer: null };
        const orders = [...this.orders.values()]
          .filter((o) => o.customerId === c.id)
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        return {
          customer: {
            ...customerNode(c),
            orders: { nodes: orders.slice(0, Number(v.orders ?? 50)).map((o) => orderNode(o)) },
          },
        };
      }
      case "customers": {
        const q = String(v.query ?? "");
        const email = /email:"?([^"\s]+)"?/.exec(q)?.[1];
        const phone = /phone:"?([^"\s]+)"?/.exec(q)?.[1];
        const found = [...this.customers.values()].filter(
          (c) => (email && c.email === email) || (phone && c.phone === phone),
        );
        return { customers: { nodes: found.slice(0, 1).map(customerNode) } };
      }
      case "customerCreate": {
        const input = (v.input ?? {}) as Record<string, string | undefined>;
        const taken = [...this.customers.values()];
        if (input.email && taken.some((c) => c.email === input.email))
          return {
            customerCreate: { customer: null, userErrors: [userError("email", "Email has already been taken")] },
          };
        if (input.phone && taken.some((c) => c.phone === input.phone))
          return {
            customerCreate: { customer: null, userErrors: [userError("phone", "Phone has already been taken")] },
          };
        const id = String(this.nextId++);
        const at = new Date(this.now()).toISOString();
        const c: StandInCustomer = {
          id,
          firstName: input.firstName ?? null,
          lastName: input.lastName ?? null,
          email: input.email ?? null,
          phone: input.phone ?? null,
          createdAt: at,
          updatedAt: at,
          tags: [],
          defaultAddress: null,
          emailMarketingConsent: null,
          smsMarketingConsent: null,
        };
        this.customers.set(id, c);
        this.createdCustomers.push(id);
        return { customerCreate: { customer: customerNode(c), userErrors: [] } };
      }
      case "customerMerge": {
        // Shopify keeps customerTwoId by default; both must exist and differ (CustomerMergeUserError).
        const one = this.customers.get(idOf(v.customerOneId));
        const two = this.customers.get(idOf(v.customerTwoId));
        const refuse = (field: string, message: string, code: string) => ({
          customerMerge: { resultingCustomerId: null, job: null, userErrors: [{ field: [field], message, code }] },
        });
        if (!one) return refuse("customerOneId", "Customer does not exist", "INVALID_CUSTOMER_ID");
        if (!two) return refuse("customerTwoId", "Customer does not exist", "INVALID_CUSTOMER_ID");
        if (one.id === two.id) return refuse("customerTwoId", "Customers must be different", "INVALID_CUSTOMER");
        this.customers.delete(one.id);
        this.customerMerges.push({ kept: two.id, deleted: one.id });
        return {
          customerMerge: {
            resultingCustomerId: `gid://shopify/Customer/${two.id}`,
            job: { id: `gid://shopify/Job/${randomUUID()}`, done: false },
            userErrors: [],
          },
        };
      }
      case "customerEmailMarketingConsentUpdate":
      case "customerSmsMarketingConsentUpdate": {
        const input = (v.input ?? {}) as Record<string, unknown>;
        const channel = op === "customerSmsMarketingConsentUpdate" ? "sms" : "email";
        const consent = (channel === "sms" ? input.smsMarketingConsent : input.emailMarketingConsent) as
          | Record<string, string>
          | undefined;
        const c = this.customers.get(idOf(input.customerId));
        if (!c) return { [op]: { customer: null, userErrors: [userError("customerId", "Customer does not exist")] } };
        if (!consent?.marketingState)
          return {
            [op]: { customer: null, userErrors: [userError("marketingState", "Marketing state is required")] },
          };
        const state = {
          marketingState: consent.marketingState,
          marketingOptInLevel: consent.marketingOptInLevel ?? null,
          consentUpdatedAt: consent.consentUpdatedAt ?? null,
        };
        if (channel === "sms") c.smsMarketingConsent = state;
        else c.emailMarketingConsent = state;
        this.consentUpdates.push({
          customerId: c.id,
          channel,
          marketingState: consent.marketingState,
          consentUpdatedAt: consent.consentUpdatedAt ?? null,
          sourceLocationId: consent.sourceLocationId ?? null,
        });
        return { [op]: { customer: customerNode(c), userErrors: [] } };
      }
      case "metafieldsSet": {
        const list = (v.metafields ?? []) as {
          ownerId: string;
          namespace: string;
          key: string;
          type: string;
          value: string;
        }[];
        this.metafieldsSetCalls++;
        if (list.length > 25)
          return {
            metafieldsSet: {
              metafields: null,
              userErrors: [userError("metafields", "Exceeded the maximum metafields input limit of 25.")],
            },
          };
        const missing = list.findIndex((m) => !this.customers.has(idOf(m.ownerId)));
        if (missing >= 0)
          return {
            metafieldsSet: {
              metafields: null,
              userErrors: [userError(`metafields.${missing}.ownerId`, "Owner does not exist")],
            },
          };
        for (const m of list) {
          const id = idOf(m.ownerId);
          this.metafields.set(id, { ...this.metafields.get(id), [`${m.namespace}.${m.key}`]: m.value });
        }
        return { metafieldsSet: { metafields: list.map((m) => ({ key: m.key })), userErrors: [] } };
      }
      case "webPixelCreate": {
        const settings = (v.webPixel as { settings?: unknown } | undefined)?.settings;
        const invalid = this.invalidPixelSettings(settings);
        if (invalid) return { webPixelCreate: { webPixel: null, userErrors: [invalid] } };
        if (this.webPixel)
          return {
            webPixelCreate: {
              webPixel: null,
              userErrors: [{ field: ["webPixel"], message: "Web pixel is taken.", code: "TAKEN" }],
            },
          };
        this.webPixel = { id: `gid://shopify/WebPixel/${this.nextId++}`, settings: settings as string };
        return { webPixelCreate: { webPixel: this.webPixel, userErrors: [] } };
      }
      case "webPixel":
        return { webPixel: this.webPixel };
      case "webPixelUpdate": {
        if (!this.webPixel || v.id !== this.webPixel.id)
          return {
            webPixelUpdate: {
              webPixel: null,
              userErrors: [{ field: ["id"], message: "Web pixel not found.", code: "NOT_FOUND" }],
            },
          };
        const settings = (v.webPixel as { settings?: unknown } | undefined)?.settings;
        const invalid = this.invalidPixelSettings(settings);
        if (invalid) return { webPixelUpdate: { webPixel: null, userErrors: [invalid] } };
        this.webPixel = { ...this.webPixel, settings: settings as string };
        return { webPixelUpdate: { webPixel: this.webPixel, userErrors: [] } };
      }
      case "bulkOperationRunQuery": {
        if (this.bulkOperations.some((b) => b.status === "CREATED" || b.status === "RUNNING")) {
          return {
            bulkOperationRunQuery: {
              bulkOperation: null,
              userErrors: [userError("query", "A bulk query operation for this app and shop is already in progress")],
            },
          };
        }
        const inner = String(v.query ?? query);
        const op: BulkOperation = {
          id: `gid://shopify/BulkOperation/${this.bulkOperations.length + 1}`,
          query: inner,
          status: "CREATED",
          polls: 0,
          lines: [],
        };
        this.bulkOperations.push(op);
        return { bulkOperationRunQuery: { bulkOperation: { id: op.id, status: op.status }, userErrors: [] } };
      }
      case "currentBulkOperation":
        return { currentBulkOperation: this.bulkView(this.bulkOperations.at(-1)) };
      case "node":
        return { node: this.bulkView(this.bulkOperations.find((b) => b.id === v.id)) };
      default:
        return null;
    }
  }

  /**
   * A result file as Cloud Storage serves Shopify's signed URLs: a single byte range (RFC 9110 §14) is
   * answered 206 with Content-Range, one starting past the end 416; a Range it cannot read is ignored (200).
   */
  private sendResult(op: BulkOperation, range: string | null, res: ServerResponse) {
    const body = Buffer.from(op.lines.join("\n") + (op.lines.length ? "\n" : ""));
    const asked = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
    let [first, last, status] = [0, body.length - 1, 200];
    if (asked && (asked[1] || asked[2])) {
      if (asked[1]) [first, last] = [Number(asked[1]), asked[2] ? Math.min(Number(asked[2]), last) : last];
      else first = Math.max(0, body.length - Number(asked[2])); // a suffix: the last N bytes
      status = 206;
    }
    this.resultDownloads.push({
      operation: op.id,
      range,
      status: first >= body.length && status === 206 ? 416 : status,
    });
    if (status === 206 && first >= body.length) {
      res.writeHead(416, { "content-range": `bytes */${body.length}` });
      return void res.end();
    }
    const part = body.subarray(first, last + 1);
    res.writeHead(status, {
      "content-type": "application/jsonl",
      "content-length": String(part.length),
      "accept-ranges": "bytes",
      ...(status === 206 ? { "content-range": `bytes ${first}-${last}/${body.length}` } : {}),
    });
    const cut = this.breakDownload?.({ operation: op.id, range }) ?? null;
    if (cut === null) return void res.end(part);
    // Flushed before the drop, so the client has read lines when the connection breaks.
    res.write(part.subarray(0, cut), () => setTimeout(() => res.destroy(), 20));
  }

  /** Each poll moves an operation one step: CREATED → RUNNING → COMPLETED (or FAILED). */
  private bulkView(op: BulkOperation | undefined) {
    if (!op) return null;
    op.polls++;
    if (op.status === "CREATED") op.status = "RUNNING";
    else if (op.status === "RUNNING") {
      if (this.failNextBulk) {
        this.failNextBulk = false;
        op.status = "FAILED";
      } else {
        op.lines = this.bulkLines(op.query);
        if (this.editNextResult) [op.lines, this.editNextResult] = [this.editNextResult(op.lines), null];
        op.status = "COMPLETED";
      }
    }
    const done = op.status === "COMPLETED";
    return {
      id: op.id,
      status: op.status,
      errorCode: op.status === "FAILED" ? "INTERNAL_SERVER_ERROR" : null,
      objectCount: String(done ? op.lines.length : 0),
      url: done ? `${this.origin}/bulk-results/${encodeURIComponent(op.id)}.jsonl` : null,
      partialDataUrl: null,
    };
  }

  /** Shopify's JSONL: one object per line, nested connections flattened to child lines with `__parentId`. */
  private bulkLines(query: string): string[] {
    if (/\borders\s*[({]/.test(query)) {
      return [...this.orders.values()].flatMap((o) => {
        const node = orderNode(o, false);
        return [
          JSON.stringify(node),
          ...o.lineItems.map((l) => JSON.stringify({ ...lineItemNode(l, o.currency), __parentId: node.id })),
        ];
      });
    }
    return [...this.customers.values()].map((c) => JSON.stringify(customerNode(c)));
  }
}

/** The first field selected by the operation (our requests select one root field each). */
function operationOf(query: string): string {
  const body = query.slice(query.indexOf("{") + 1);
  return /^\s*(\w+)/.exec(body)?.[1] ?? "";
}

const idOf = (gid: unknown) => String(gid ?? "").replace(/^gid:\/\/shopify\/\w+\//, "");

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function verifyHs256(token: string, secret: string): Record<string, unknown> | null {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return null;
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}
