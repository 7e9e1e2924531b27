/**
 * The test host for the targets: Shopify's own extension tester (`@shopify/ui-extensions-tester`) sets
 * up the `shopify` global for a target and renders the target's module, as configured in
 * shopify.extension.toml, into the DOM; this file swaps in controllable signals (cart, connectivity),
 * a JSON-backed storage, spies, and a fake server behind `fetch`. Only tests import this file.
 */
import type { PosCustomerView, RedemptionView } from "@c360/shared";
import { getExtension } from "@shopify/ui-extensions-tester";
import type { Cart, ConnectivityState } from "@shopify/ui-extensions/point-of-sale";
import { fireEvent } from "@testing-library/preact";
import { render } from "preact";
import { vi } from "vitest";
import type { CheckoutHint, ConsentText } from "./api";

export const APP_ORIGIN = "https://c360.example.com";

/** A POS signal the test can change, as POS does when the cart or the network changes. */
export function posSignal<T>(initial: T) {
  let current = initial;
  const subscribers = new Set<(value: T) => void>();
  return {
    get value() {
      return current;
    },
    subscribe(fn: (value: T) => void) {
      subscribers.add(fn);
      return () => void subscribers.delete(fn);
    },
    set(value: T) {
      current = value;
      for (const fn of subscribers) fn(value);
    },
  };
}

export function cartWith(options: { customerId?: number; productIds?: number[]; subtotal?: string } = {}): Cart {
  return {
    subtotal: options.subtotal ?? "0.00",
    taxTotal: "0.00",
    grandTotal: "0.00",
    cartDiscounts: [],
    properties: {},
    customer: options.customerId === undefined ? undefined : { id: options.customerId },
    lineItems: (options.productIds ?? []).map((productId, i) => ({
      uuid: `line-${i}`,
      quantity: 1,
      productId,
      variantId: productId * 10,
      title: `Product ${productId}`,
      price: 10,
      isGiftCard: false,
      discounts: [],
      discountAllocations: [],
      properties: {},
      taxLines: [],
      taxable: true,
      attributedUserId: undefined,
      sku: undefined,
      vendor: undefined,
      components: [],
    })) as unknown as Cart["lineItems"],
  };
}

/** POS Storage's documented limits: 100 records per extension, about 1 MB per value. */
export const POS_STORAGE_LIMITS = { records: 100, valueChars: 1_000_000 };

/** POS Storage API over a Map; values go through JSON and the limits are enforced like the real one. */
export function fakeStorage(seed: Record<string, unknown> = {}) {
  const map = new Map<string, string>(Object.entries(seed).map(([k, v]) => [k, JSON.stringify(v)]));
  return {
    map,
    async get(key: string) {
      const raw = map.get(key);
      return raw === undefined ? undefined : JSON.parse(raw);
    },
    async set(key: string, value: unknown) {
      const raw = JSON.stringify(value);
      if (!map.has(key) && map.size >= POS_STORAGE_LIMITS.records)
        throw new Error("RecordsCount: POS storage holds 100 entries");
      if (raw.length > POS_STORAGE_LIMITS.valueChars) throw new Error("RecordSize: value over 1 MB");
      map.set(key, raw);
    },
    async delete(key: string) {
      return map.delete(key);
    },
    async clear() {
      map.clear();
    },
    async entries(): Promise<[string, unknown][]> {
      return [...map.entries()].map(([k, v]) => [k, JSON.parse(v)]);
    },
  };
}

export const SESSION = {
  shopId: 1,
  userId: 501,
  shopDomain: "demo.myshopify.com",
  locationId: 42,
  staffMemberId: 77,
  currency: "EUR",
  posVersion: "10.0.0",
};
export const SESSION_TOKEN = "session-token-abc";

export interface RecordedCall {
  /** The URL exactly as the extension passed it to `fetch`. */
  raw: string;
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

/** The server as the register sees it; `down` makes every call fail like a dropped network. */
export function fakeServer(data: {
  customers?: Record<string, PosCustomerView>;
  texts?: ConsentText[];
  hints?: CheckoutHint[];
  /** What `POST /api/pos/customers` answers: the Shopify id when the shop is connected, else null. */
  newCustomerShopifyId?: string | null;
}) {
  const calls: RecordedCall[] = [];
  const state = { down: false };
  const redemptions = new Map<string, RedemptionView>();
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    // Requests are relative ("/api/..."): POS resolves them against the app's application_url.
    const url = new URL(String(input instanceof Request ? input.url : input), APP_ORIGIN);
    const method = init?.method ?? "GET";
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>));
    calls.push({
      raw: String(input instanceof Request ? input.url : input),
      method,
      url,
      headers,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    });
    if (state.down) throw new TypeError("fetch failed");
    if (headers.Authorization !== `Bearer ${SESSION_TOKEN}`)
      return json(401, { error: "unauthorized", message: "Session token missing." });
    if (method === "GET" && url.pathname === "/api/pos/customers") {
      const q = (url.searchParams.get("q") ?? "").toLowerCase();
      const customers = Object.entries(data.customers ?? {})
        .filter(([, v]) =>
          [v.firstName, v.lastName, ...v.emails, ...v.phones].some((s) => s?.toLowerCase().includes(q)),
        )
        .map(([id, v]) => ({
          profileId: v.profileId,
          shopifyCustomerId: id,
          firstName: v.firstName,
          lastName: v.lastName,
          emails: v.emails,
          phones: v.phones,
        }));
      return json(200, { customers });
    }
    const customer = url.pathname.match(/^\/api\/pos\/customers\/(.+)$/);
    if (method === "GET" && customer) {
      const view = data.customers?.[decodeURIComponent(customer[1]!)];
      return view ? json(200, view) : json(404, { error: "not_found", message: "No such customer." });
    }
    if (method === "GET" && url.pathname === "/api/consent-texts") return json(200, { texts: data.texts ?? [] });
    if (method === "GET" && url.pathname === "/api/pos/hints") return json(200, { hints: data.hints ?? [] });
    if (method === "POST" && url.pathname === "/api/consents") return json(201, { consents: [calls.at(-1)!.body] });
    if (method === "POST" && url.pathname === "/api/pos/visits") return json(201, { ok: true });
    if (method === "POST" && url.pathname === "/api/pos/customers") {
      const body = calls.at(-1)!.body as { firstName?: string };
      const refusal = { error: "invalid_body", message: "firstName: enter the customer's first name" };
      if (!body.firstName) return json(400, refusal);
      return json(201, { profileId: "p-new", shopifyCustomerId: data.newCustomerShopifyId ?? null });
    }
    const redemption = redemptionAnswer(method, url.pathname, calls.at(-1)!.body, redemptions);
    if (redemption) return json(redemption.status, redemption.body);
    return json(404, { error: "not_found", message: `No route ${method} ${url.pathname}` });
  });
  const callsTo = (method: string, pathname: string) =>
    calls.filter((c) => c.method === method && c.url.pathname === pathname);
  return { fetch, calls, callsTo, state, redemptions };
}

/**
 * The redemption routes as the register sees them, at 100 points to 1.00 EUR (the server's own rules are
 * tested against the real server in server/src/routes/redemptions.test.ts and tests/extension).
 */
function redemptionAnswer(method: string, pathname: string, body: unknown, held: Map<string, RedemptionView>) {
  if (method !== "POST") return null;
  if (pathname === "/api/pos/redemptions") {
    const { redemptionId, points } = body as { redemptionId: string; points: number };
    const view: RedemptionView = {
      redemptionId,
      state: "held",
      points,
      returnedPoints: 0,
      orderId: null,
      discount: {
        type: "FixedAmount",
        title: `${points} loyalty points`,
        amount: (points / 100).toFixed(2),
        currency: "EUR",
      },
      cartProperty: { key: "_c360_redemption", value: redemptionId },
      availablePoints: 0,
    };
    held.set(redemptionId, view);
    return { status: 201, body: view };
  }
  const step = pathname.match(/^\/api\/pos\/redemptions\/([^/]+)\/(release|complete)$/);
  const view = step ? held.get(decodeURIComponent(step[1]!)) : undefined;
  if (!step || !view) return null;
  const orderId = step[2] === "complete" ? String((body as { orderId: unknown }).orderId) : null;
  const next: RedemptionView = { ...view, state: step[2] === "release" ? "released" : "spent", orderId };
  held.set(view.redemptionId, next);
  return { status: 200, body: next };
}

export type PosTarget =
  | "pos.home.tile.render"
  | "pos.home.modal.render"
  | "pos.customer-details.block.render"
  | "pos.purchase.post.action.menu-item.render"
  | "pos.purchase.post.action.render"
  | "pos.app.ready.data";

type Dispatcher = { dispatch(type: string, event: unknown): void };

export interface TargetOptions {
  cart?: Cart;
  connected?: boolean;
  storage?: ReturnType<typeof fakeStorage>;
  order?: { id: number; name: string; customerId?: number };
  customerId?: number;
  fetch?: typeof fetch;
}

/**
 * Renders one target the way Shopify's tester does (module from shopify.extension.toml, `shopify`
 * global, `document.body`), with this file's fakes in the global. Call `done()` after the test.
 */
export async function renderTarget(target: PosTarget, options: TargetOptions = {}) {
  const extension = getExtension(target);
  extension.setUp();
  const cart = posSignal<Cart>(options.cart ?? cartWith());
  const connectivity = posSignal<ConnectivityState>({
    internetConnected: options.connected === false ? "Disconnected" : "Connected",
  });
  const storage = options.storage ?? fakeStorage();
  const shopify = extension.shopify as unknown as Record<string, unknown> & {
    cart?: Record<string, unknown>;
    session: Record<string, unknown>;
  };
  const spies = {
    toast: vi.fn(),
    presentModal: vi.fn(),
    setCustomer: vi.fn(async (customer: { id: number }) => cart.set({ ...cart.value, customer })),
    addLineItem: vi.fn(async (_variantId: number, _quantity: number) => "line-new"),
    applyCartDiscount: vi.fn(async (_type: string, _title: string, _amount?: string) => {}),
    removeCartDiscount: vi.fn(async () => {}),
    addCartProperties: vi.fn(async (_properties: Record<string, string>) => {}),
    removeCartProperties: vi.fn(async (_keys: string[]) => {}),
  };
  // The tester's global refuses APIs the target does not have, so each fake goes in only where POS has that API.
  const has = (key: string) => key in shopify;
  shopify.connectivity = { current: connectivity };
  shopify.storage = storage;
  if (has("toast")) shopify.toast = { show: spies.toast };
  shopify.session = { ...shopify.session, currentSession: SESSION, getSessionToken: async () => SESSION_TOKEN };
  if (has("action")) shopify.action = { presentModal: spies.presentModal };
  if (has("cart")) {
    const { toast: _toast, presentModal: _modal, ...cartSpies } = spies;
    shopify.cart = { ...shopify.cart, current: cart, ...cartSpies };
  }
  if (options.order) shopify.order = options.order;
  if (options.customerId !== undefined) shopify.customer = { id: options.customerId };
  if (options.fetch) extension.fetch = options.fetch;
  await extension.render();
  return {
    spies,
    storage,
    /** Fires a POS host event (`transactioncomplete`, ...) at the target's listeners. */
    dispatch: (type: string, event: unknown) => (extension as unknown as Dispatcher).dispatch(type, event),
    setCart: (next: Cart) => cart.set(next),
    setConnected: (connected: boolean) =>
      connectivity.set({ internetConnected: connected ? "Connected" : "Disconnected" }),
    done() {
      render(null, document.body);
      extension.tearDown();
    },
  };
}

/** What is on screen, read from the DOM the target rendered. */
export const screen = {
  /** Every text node and heading-like attribute, one per line. */
  text(): string {
    const parts: string[] = [];
    const walk = (el: Element) => {
      for (const name of ["heading", "subheading"]) {
        const value = el.getAttribute(name);
        if (value) parts.push(value);
      }
      for (const node of el.childNodes) {
        if (node.nodeType === 3 && node.textContent?.trim()) parts.push(node.textContent.trim());
        else if (node.nodeType === 1) walk(node as Element);
      }
    };
    walk(document.body);
    return parts.join("\n");
  },
  all(tag: string): HTMLElement[] {
    return [...document.body.querySelectorAll<HTMLElement>(tag)];
  },
  buttons(): string[] {
    return screen.all("s-button").map((b) => b.textContent?.trim() ?? "");
  },
  button(label: string): HTMLElement {
    const found = screen.all("s-button").find((b) => b.textContent?.trim() === label);
    if (!found) throw new Error(`no button "${label}"; buttons: ${screen.buttons().join(", ")}`);
    return found;
  },
  click(label: string): void {
    fireEvent.click(screen.button(label));
  },
  /** Types into a field and commits it, as the clerk does. */
  type(tag: string, value: string, index = 0): void {
    const field = screen.all(tag)[index];
    if (!field) throw new Error(`no ${tag} on screen`);
    (field as unknown as { value: string }).value = value;
    fireEvent.input(field);
    fireEvent.change(field);
  },
};

export async function waitFor(check: () => void, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

export const settle = () => new Promise((r) => setTimeout(r, 50));

export function customerView(overrides: Partial<PosCustomerView> = {}): PosCustomerView {
  return {
    profileId: "prof_sarah",
    shopifyCustomerId: "123",
    firstName: "Sarah",
    lastName: "Lee",
    emails: ["sarah@example.com"],
    phones: ["+14155550100"],
    lifecycleStage: "loyal",
    orderCount: 7,
    lifetimeSpend: 1380,
    posSpend: 920,
    onlineSpend: 460,
    currency: "EUR",
    churnRisk: 0.18,
    churnBand: "healthy",
    lastVisitAt: "2026-03-01T10:00:00.000Z",
    lastOrderAt: "2026-03-01T10:05:00.000Z",
    loyalty: { points: 1380, tier: "Silver", nextTier: "Gold", pointsToNextTier: 120, progress: 0.88 },
    consent: {
      email: { granted: false, since: null },
      sms: { granted: false, since: null },
      whatsapp: { granted: false, since: null },
      push: { granted: false, since: null },
    },
    openDuplicates: 0,
    redemption: { pointsPerUnit: 100, minimumPoints: 100 },
    asOf: "2026-03-02T14:05:00.000Z",
    ...overrides,
  };
}

export const CONSENT_TEXTS: ConsentText[] = [
  {
    channel: "email",
    locale: "en",
    version: 3,
    text: "I agree to receive marketing emails from Demo Shop. I can unsubscribe at any time.",
  },
  { channel: "email", locale: "en", version: 2, text: "Old email wording." },
  {
    channel: "sms",
    locale: "en",
    version: 1,
    text: "I agree to receive marketing texts from Demo Shop. Reply STOP to opt out.",
  },
  { channel: "whatsapp", locale: "en", version: 1, text: "I agree to WhatsApp messages from Demo Shop." },
  { channel: "push", locale: "en", version: 1, text: "I agree to push notifications from Demo Shop." },
];
