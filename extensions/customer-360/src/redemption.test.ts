import { redemptionCompleteSchema, redemptionHoldSchema } from "@c360/shared";
import { describe, expect, it } from "vitest";
import {
  ACTIVE_REDEMPTION_KEY,
  completeRedemptionRequest,
  createRedemptions,
  holdRedemptionRequest,
  OFFLINE_REFUSAL,
  releaseRedemptionRequest,
  type RedemptionCart,
} from "./redemption";
import type { KeyValueStore } from "./storage";

const APP = "https://c360.example.com/";
const ID = "3b241101-e2bb-4255-8caf-4136c566a962";

function memoryStore(): KeyValueStore & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return {
    map,
    get: async (k) => map.get(k),
    set: async (k, v) => void map.set(k, v),
    delete: async (k) => map.delete(k),
    entries: async () => [...map.entries()],
  };
}

/** Records what the register did to its cart, in order. */
function recordingCart(): RedemptionCart & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    applyCartDiscount: (...a) => void calls.push(["applyCartDiscount", ...a]),
    removeCartDiscount: () => void calls.push(["removeCartDiscount"]),
    addCartProperties: (p) => void calls.push(["addCartProperties", p]),
    removeCartProperties: (k) => void calls.push(["removeCartProperties", k]),
  };
}

const heldView = {
  redemptionId: ID,
  state: "held",
  points: 500,
  returnedPoints: 0,
  orderId: null,
  discount: { type: "FixedAmount", title: "500 loyalty points", amount: "5.00", currency: "USD" },
  cartProperty: { key: "_c360_redemption", value: ID },
  availablePoints: 200,
};

describe("redemption requests (the contract test sends them to the real server)", () => {
  it("POSTs a hold whose body the server's schema accepts", () => {
    const r = holdRedemptionRequest(APP, "tok", {
      redemptionId: ID,
      shopifyCustomerId: "11",
      points: 500,
      cartTotal: "42.00",
    });
    expect(r).toMatchObject({ method: "POST", url: "https://c360.example.com/api/pos/redemptions" });
    expect(r.headers).toMatchObject({ Authorization: "Bearer tok", "Content-Type": "application/json" });
    expect(redemptionHoldSchema.parse(JSON.parse(r.body!))).toMatchObject({ points: 500, cartTotal: "42.00" });
  });

  it("POSTs release and complete to the redemption's own path", () => {
    expect(releaseRedemptionRequest(APP, "tok", ID).url).toBe(
      `https://c360.example.com/api/pos/redemptions/${ID}/release`,
    );
    const complete = completeRedemptionRequest(APP, "tok", ID, 5001);
    expect(complete.url).toBe(`https://c360.example.com/api/pos/redemptions/${ID}/complete`);
    expect(redemptionCompleteSchema.parse(JSON.parse(complete.body!))).toEqual({ orderId: "5001" });
  });
});

describe("createRedemptions", () => {
  const setup = (o: { online?: boolean; fetchImpl?: typeof fetch } = {}) => {
    const store = memoryStore();
    const cart = recordingCart();
    const sent: { url: string; body?: string }[] = [];
    const fetchImpl =
      o.fetchImpl ??
      ((async (url: string, init?: RequestInit) => {
        sent.push({ url, body: init?.body as string | undefined });
        return new Response(JSON.stringify(heldView), { status: 201 });
      }) as unknown as typeof fetch);
    let n = 0;
    const redemptions = createRedemptions({
      appUrl: APP,
      getSessionToken: async () => "tok",
      fetch: () => fetchImpl,
      isOnline: () => o.online ?? true,
      newId: () => (n++ === 0 ? ID : crypto.randomUUID()),
      store,
      cart,
    });
    return { store, cart, sent, redemptions };
  };

  it("refuses offline, saying why, without a request, a cart change or a queued entry", async () => {
    const { store, cart, sent, redemptions } = setup({ online: false });
    expect(await redemptions.apply({ shopifyCustomerId: "11", points: 500 })).toEqual({
      ok: false,
      reason: "offline",
      message: OFFLINE_REFUSAL,
    });
    expect(OFFLINE_REFUSAL).toMatch(/offline: the server has to hold them/);
    expect(sent).toEqual([]);
    expect(cart.calls).toEqual([]);
    expect(store.map.size).toBe(0);
  });

  it("puts the held discount and the redemption's cart property on the cart", async () => {
    const { store, cart, redemptions } = setup();
    const outcome = await redemptions.apply({ shopifyCustomerId: "11", points: 500 });
    expect(outcome).toMatchObject({ ok: true, view: { state: "held" } });
    expect(cart.calls).toEqual([
      ["applyCartDiscount", "FixedAmount", "500 loyalty points", "5.00"],
      ["addCartProperties", { _c360_redemption: ID }],
    ]);
    expect(store.map.get(ACTIVE_REDEMPTION_KEY)).toBe(ID);
    expect(await redemptions.apply({ shopifyCustomerId: "11", points: 100 })).toMatchObject({
      ok: false,
      reason: "refused",
    });
  });

  it("checks the shop's rule before asking the server", async () => {
    const { sent, redemptions } = setup();
    const known = { availablePoints: 300, rate: { pointsPerUnit: 100, minimumPoints: 100 }, currency: "USD" };
    const outcome = await redemptions.apply({ shopifyCustomerId: "11", points: 500, known });
    expect(outcome).toMatchObject({ ok: false, reason: "refused", code: "not_enough_points" });
    expect(sent).toEqual([]);
  });

  it("retries a lost answer with the same redemption id, so the server holds once", async () => {
    const bodies: string[] = [];
    let calls = 0;
    const flaky = (async (_url: string, init?: RequestInit) => {
      bodies.push(init?.body as string);
      if (calls++ === 0) throw new TypeError("fetch failed");
      return new Response(JSON.stringify(heldView), { status: 201 });
    }) as unknown as typeof fetch;
    const { redemptions } = setup({ fetchImpl: flaky });
    expect(await redemptions.apply({ shopifyCustomerId: "11", points: 500 })).toMatchObject({
      ok: false,
      reason: "offline",
    });
    expect(await redemptions.apply({ shopifyCustomerId: "11", points: 500 })).toMatchObject({ ok: true });
    expect(bodies.map((b) => JSON.parse(b).redemptionId)).toEqual([ID, ID]);
  });

  it("passes the server's refusal on in its words", async () => {
    const refusing = (async () =>
      new Response(
        JSON.stringify({
          error: "not_enough_points",
          message: "The customer has 300 points available, fewer than 500.",
        }),
        {
          status: 422,
        },
      )) as unknown as typeof fetch;
    const { cart, redemptions } = setup({ fetchImpl: refusing });
    expect(await redemptions.apply({ shopifyCustomerId: "11", points: 500 })).toEqual({
      ok: false,
      reason: "refused",
      code: "not_enough_points",
      message: "The customer has 300 points available, fewer than 500.",
    });
    expect(cart.calls).toEqual([]);
  });

  it("release takes the discount off; complete forgets the cart's redemption", async () => {
    const { store, cart, sent, redemptions } = setup();
    expect(await redemptions.release()).toBeNull();
    await redemptions.apply({ shopifyCustomerId: "11", points: 500 });
    await redemptions.release();
    expect(cart.calls.slice(2)).toEqual([["removeCartDiscount"], ["removeCartProperties", ["_c360_redemption"]]]);
    expect(store.map.has(ACTIVE_REDEMPTION_KEY)).toBe(false);
    await store.set(ACTIVE_REDEMPTION_KEY, ID);
    await redemptions.complete(5001);
    expect(sent.at(-1)).toEqual({
      url: `https://c360.example.com/api/pos/redemptions/${ID}/complete`,
      body: '{"orderId":5001}',
    });
    expect(store.map.has(ACTIVE_REDEMPTION_KEY)).toBe(false);
  });
});
