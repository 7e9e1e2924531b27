/**
 * A test host for the targets: a `@remote-ui/core` receiver standing where POS renders, a typed fake
 * of the POS API (cart, session, connectivity, locale, storage, navigation, toast, action) and a fake
 * server behind `fetch`. Only tests import this file.
 */
import { createRemoteReceiver, type RemoteReceiver, type RemoteReceiverAttachableChild } from "@remote-ui/core";
import type { Cart, ConnectivityState } from "@shopify/ui-extensions/point-of-sale";
import type { PosCustomerView } from "@c360/shared";
import { vi } from "vitest";
import type { CheckoutHint, ConsentText } from "./api";

export interface FakeSubscribable<T> {
  readonly initial: T;
  subscribe(subscriber: (value: T) => unknown): [() => void, T];
  set(value: T): void;
}

export function fakeSubscribable<T>(initial: T): FakeSubscribable<T> {
  let current = initial;
  const subscribers = new Set<(value: T) => unknown>();
  return {
    get initial() {
      return current;
    },
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return [() => void subscribers.delete(subscriber), current];
    },
    set(value) {
      current = value;
      for (const s of subscribers) s(value);
    },
  };
}

export function cartWith(options: { customerId?: number; productIds?: number[] } = {}): Cart {
  return {
    subtotal: "0.00",
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

/** POS Storage API over a Map; values go through JSON like the real one. */
export function fakeStorage(seed: Record<string, unknown> = {}) {
  const map = new Map<string, string>(Object.entries(seed).map(([k, v]) => [k, JSON.stringify(v)]));
  return {
    map,
    async get(key: string) {
      const raw = map.get(key);
      return raw === undefined ? undefined : JSON.parse(raw);
    },
    async set(key: string, value: unknown) {
      map.set(key, JSON.stringify(value));
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

export const SESSION = { shopId: 1, userId: 501, shopDomain: "demo.myshopify.com", locationId: 42, staffMemberId: 77, currency: "EUR", posVersion: "10.0.0" };
export const SESSION_TOKEN = "session-token-abc";

export function fakePosApi(
  options: { cart?: Cart; connected?: boolean; storage?: ReturnType<typeof fakeStorage>; order?: { id: number; name: string; customerId?: number }; customerId?: number } = {},
) {
  const connectivity = fakeSubscribable<ConnectivityState>({ internetConnected: options.connected === false ? "Disconnected" : "Connected" });
  const cart = fakeSubscribable<Cart>(options.cart ?? cartWith());
  const api = {
    extensionPoint: "test",
    session: { currentSession: SESSION, getSessionToken: vi.fn(async () => SESSION_TOKEN) },
    connectivity: { subscribable: connectivity },
    locale: { subscribable: fakeSubscribable("en-US") },
    storage: options.storage ?? fakeStorage(),
    toast: { show: vi.fn() },
    navigation: { navigate: vi.fn(), pop: vi.fn(), dismiss: vi.fn() },
    action: { presentModal: vi.fn() },
    cart: { subscribable: cart },
    order: options.order ?? { id: 9001, name: "#9001" },
    customer: { id: options.customerId ?? 0 },
  };
  return {
    api,
    setCart: (next: Cart) => cart.set(next),
    setConnected: (connected: boolean) => connectivity.set({ internetConnected: connected ? "Connected" : "Disconnected" }),
  };
}

export interface RecordedCall {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

/** The server as the register sees it; `down` makes every call fail like a dropped network. */
export function fakeServer(data: { customers?: Record<string, PosCustomerView>; texts?: ConsentText[]; hints?: CheckoutHint[] }) {
  const calls: RecordedCall[] = [];
  const state = { down: false };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>));
    calls.push({ method, url, headers, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    if (state.down) throw new TypeError("fetch failed");
    if (headers.Authorization !== `Bearer ${SESSION_TOKEN}`) return json(401, { error: "unauthorized", message: "Session token missing." });
    const customer = url.pathname.match(/^\/api\/pos\/customers\/(.+)$/);
    if (method === "GET" && customer) {
      const view = data.customers?.[decodeURIComponent(customer[1]!)];
      return view ? json(200, view) : json(404, { error: "not_found", message: "No such customer." });
    }
    if (method === "GET" && url.pathname === "/api/consent-texts") return json(200, { texts: data.texts ?? [] });
    if (method === "GET" && url.pathname === "/api/pos/hints") return json(200, { hints: data.hints ?? [] });
    if (method === "POST" && url.pathname === "/api/consents") return json(201, { consents: [calls.at(-1)!.body] });
    if (method === "POST" && url.pathname === "/api/pos/visits") return json(201, { ok: true });
    return json(404, { error: "not_found", message: `No route ${method} ${url.pathname}` });
  });
  const callsTo = (method: string, pathname: string) => calls.filter((c) => c.method === method && c.url.pathname === pathname);
  return { fetch, calls, callsTo, state };
}

type Node = RemoteReceiverAttachableChild;
type ComponentNode = Extract<Node, { type: string }>;

export interface RenderedTarget {
  receiver: RemoteReceiver;
  /** Every string on screen: text nodes and string props (titles, subtitles, list rows). */
  text(): string;
  all(type: string): ComponentNode[];
  button(title: string): ComponentNode;
  press(title: string): void;
}

export const COMPONENTS = {
  tile: ["Tile"],
  block: ["Badge", "Button", "DatePicker", "Dialog", "Icon", "Image", "POSBlock", "POSBlockRow", "Stack", "Text", "TimePicker"],
  menuItem: ["Button"],
  modal: [
    "Badge", "Banner", "Box", "Button", "CameraScanner", "DateField", "DatePicker", "Dialog", "EmailField", "Icon", "Image", "List",
    "Navigator", "NumberField", "PinPad", "POSBlock", "POSBlockRow", "PrintPreview", "QRCode", "RadioButtonList", "Screen", "ScrollView",
    "SearchBar", "Section", "SectionHeader", "SegmentedControl", "Selectable", "Stack", "Stepper", "Text", "TextArea", "TextField",
    "TimeField", "TimePicker",
  ],
} as const;

/** Calls a target exactly as POS does: `({channel, components}, api)`. */
export async function renderTarget(extension: unknown, api: unknown, components: readonly string[]): Promise<RenderedTarget> {
  const receiver = createRemoteReceiver();
  await (extension as (connection: unknown, api: unknown) => Promise<unknown>)({ channel: receiver.receive, components }, api);
  const children = () => receiver.attached.root.children;
  const all = (type: string) => walk(children()).filter((n): n is ComponentNode => "type" in n && n.type === type);
  const button = (title: string) => {
    const found = all("Button").find((b) => (b.props as { title?: string }).title === title);
    if (!found) throw new Error(`no button "${title}"; buttons: ${all("Button").map((b) => (b.props as { title?: string }).title).join(", ")}`);
    return found;
  };
  return {
    receiver,
    text: () => strings(children()).join("\n"),
    all,
    button,
    press: (title) => (button(title).props as { onPress: () => void }).onPress(),
  };
}

function walk(nodes: readonly Node[]): Node[] {
  return nodes.flatMap((n) => [n, ...("children" in n ? walk(n.children) : [])]);
}

function strings(nodes: readonly Node[]): string[] {
  return nodes.flatMap((n) => ("text" in n ? [n.text] : [...propStrings(n.props), ...strings(n.children)]));
}

function propStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(propStrings);
  if (value && typeof value === "object") return Object.values(value).flatMap(propStrings);
  return [];
}

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
    asOf: "2026-03-02T14:05:00.000Z",
    ...overrides,
  };
}

export const CONSENT_TEXTS: ConsentText[] = [
  { channel: "email", locale: "en", version: 3, text: "I agree to receive marketing emails from Demo Shop. I can unsubscribe at any time." },
  { channel: "email", locale: "en", version: 2, text: "Old email wording." },
  { channel: "sms", locale: "en", version: 1, text: "I agree to receive marketing texts from Demo Shop. Reply STOP to opt out." },
  { channel: "whatsapp", locale: "en", version: 1, text: "I agree to WhatsApp messages from Demo Shop." },
  { channel: "push", locale: "en", version: 1, text: "I agree to push notifications from Demo Shop." },
];
