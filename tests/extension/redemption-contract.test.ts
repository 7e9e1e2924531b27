import { redemptionViewSchema } from "@c360/shared";
import { startTestServer, type TestServer } from "@c360/server/test-support/harness";
import { orderPayload } from "@c360/server/test-support/payloads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedemptions, type RedemptionCart } from "../../extensions/customer-360/src/redemption";
import type { KeyValueStore } from "../../extensions/customer-360/src/storage";

/**
 * The register's redemption module against the real server, in process, with real session tokens: what
 * the register sends the server accepts, what it answers is a redemption view, and the cart property the
 * register sets is what lets the order webhook spend the same redemption.
 */
const APP_URL = "https://c360.example.app";

/** One register: its own POS Storage and cart. */
function register(t: TestServer) {
  const map = new Map<string, unknown>();
  const store: KeyValueStore = {
    get: async (k) => map.get(k),
    set: async (k, v) => void map.set(k, v),
    delete: async (k) => map.delete(k),
    entries: async () => [...map.entries()],
  };
  const cart = {
    discount: null as null | { title: string; amount: string },
    properties: {} as Record<string, string>,
  };
  const cartApi: RedemptionCart = {
    applyCartDiscount: (_type, title, amount) => void (cart.discount = { title, amount }),
    removeCartDiscount: () => void (cart.discount = null),
    addCartProperties: (p) => void Object.assign(cart.properties, p),
    removeCartProperties: (keys) => keys.forEach((k) => delete cart.properties[k]),
  };
  const redemptions = createRedemptions({
    appUrl: APP_URL,
    getSessionToken: () => t.token(),
    fetch: () =>
      ((url: string, init?: RequestInit) => t.runtime.app.request(url.replace(APP_URL, ""), init)) as typeof fetch,
    isOnline: () => true,
    newId: () => crypto.randomUUID(),
    store,
    cart: cartApi,
  });
  return { cart, redemptions };
}

describe("POS extension redemption ↔ server contract", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await t.webhook(
      "orders/create",
      orderPayload({ id: 1, customerId: 4242, email: "points@mailbox.org", total: "800.00" }),
    );
    await t.drain();
  });
  afterAll(async () => t.close());

  it("two registers redeeming the same points at once: one holds, the other is told why", async () => {
    const a = register(t);
    const b = register(t);
    const [first, second] = await Promise.all([
      a.redemptions.apply({ shopifyCustomerId: "4242", points: 600 }),
      b.redemptions.apply({ shopifyCustomerId: "4242", points: 600 }),
    ]);
    const held = [first, second].filter((o) => o.ok);
    const refused = [first, second].filter((o) => !o.ok);
    expect(held).toHaveLength(1);
    expect(refused).toMatchObject([{ reason: "refused", code: "not_enough_points" }]);
    const winner = first.ok ? a : b;
    expect(redemptionViewSchema.parse(held[0]!.ok && held[0]!.view)).toMatchObject({ state: "held", points: 600 });
    expect(winner.cart.discount).toEqual({ title: "600 loyalty points", amount: "6.00" });
    expect(await winner.redemptions.release()).toMatchObject({
      ok: true,
      view: { state: "released", availablePoints: 800 },
    });
    expect(winner.cart).toEqual({ discount: null, properties: {} });
  });

  it("spends once: transaction-complete, then the order webhook carrying the cart property", async () => {
    const reg = register(t);
    const applied = await reg.redemptions.apply({ shopifyCustomerId: "4242", points: 300, cartTotal: "50.00" });
    if (!applied.ok) throw new Error(applied.message);
    const properties = { ...reg.cart.properties };
    expect(await reg.redemptions.complete(9001)).toMatchObject({
      ok: true,
      view: { state: "spent", orderId: "9001" },
    });
    await t.webhook("orders/create", {
      ...orderPayload({ id: 9001, customerId: 4242, email: "points@mailbox.org", total: "47.00", source: "pos" }),
      note_attributes: Object.entries(properties).map(([name, value]) => ({ name, value })),
    });
    await t.drain();
    const view = await (await t.api("GET", `/api/pos/redemptions/${applied.view.redemptionId}`)).json();
    // 800 earned, 300 redeemed once, 47 earned on the sale.
    expect(redemptionViewSchema.parse(view)).toMatchObject({ state: "spent", availablePoints: 547 });
  });
});
