import { afterEach, describe, expect, it } from "vitest";
import { ACTIVE_REDEMPTION_KEY } from "./redemption";
import { SESSION_TOKEN, fakeServer, fakeStorage, renderTarget, settle, waitFor } from "./test-support";

let done: (() => void) | undefined;
afterEach(() => done?.());

const REDEMPTION_ID = "6f1c2a4e-8d0b-4b7e-9a51-3f0e2d1c9b87";
const sale = (orderId: number | undefined) => ({
  transactionType: "Sale",
  ...(orderId === undefined ? {} : { orderId }),
  discounts: [],
  lineItems: [],
  grandTotal: { amount: 10, currency: "EUR" },
  executedAt: "2026-03-02T14:05:00.000Z",
});

/** A server that already holds the cart's points, as the modal left them. */
async function backgroundWithHeldPoints() {
  const server = fakeServer({});
  const hold = { redemptionId: REDEMPTION_ID, shopifyCustomerId: "123", points: 500 };
  await server.fetch("/api/pos/redemptions", {
    method: "POST",
    headers: { Authorization: `Bearer ${SESSION_TOKEN}` },
    body: JSON.stringify(hold),
  });
  const storage = fakeStorage({ [ACTIVE_REDEMPTION_KEY]: REDEMPTION_ID });
  const pos = await renderTarget("pos.app.ready.data", { storage, fetch: server.fetch });
  done = pos.done;
  return { server, pos, storage };
}

describe("pos.app.ready.data (transaction complete)", () => {
  it("a completed sale spends the points its cart held, once, naming the order", async () => {
    const { server, pos, storage } = await backgroundWithHeldPoints();
    pos.dispatch("transactioncomplete", sale(5001));
    const path = `/api/pos/redemptions/${REDEMPTION_ID}/complete`;
    await waitFor(() => expect(server.callsTo("POST", path)).toHaveLength(1));
    expect(server.callsTo("POST", path)[0]!.body).toEqual({ orderId: 5001 });
    expect(server.redemptions.get(REDEMPTION_ID)).toMatchObject({ state: "spent", orderId: "5001" });
    await settle();
    expect(await storage.get(ACTIVE_REDEMPTION_KEY)).toBeUndefined();
    pos.dispatch("transactioncomplete", sale(5002));
    await settle();
    expect(server.callsTo("POST", path)).toHaveLength(1);
  });

  it("a return, or a sale whose order is not created yet, spends nothing (the order webhook will)", async () => {
    const { server, pos, storage } = await backgroundWithHeldPoints();
    pos.dispatch("transactioncomplete", { ...sale(5003), transactionType: "Return" });
    pos.dispatch("transactioncomplete", sale(undefined));
    await settle();
    expect(server.calls.filter((c) => c.url.pathname.endsWith("/complete"))).toHaveLength(0);
    expect(await storage.get(ACTIVE_REDEMPTION_KEY)).toBe(REDEMPTION_ID);
  });
});
