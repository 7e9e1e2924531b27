import { redemptionHoldSchema } from "@c360/shared";
import { afterEach, describe, expect, it } from "vitest";
import { ACTIVE_REDEMPTION_KEY, OFFLINE_REFUSAL } from "./redemption";
import {
  CONSENT_TEXTS,
  SESSION_TOKEN,
  cartWith,
  customerView,
  fakeServer,
  fakeStorage,
  renderTarget,
  screen,
  waitFor,
} from "./test-support";

let done: (() => void) | undefined;
afterEach(() => done?.());

async function openRedeem(options: { subtotal: string; storage?: ReturnType<typeof fakeStorage> }) {
  const server = fakeServer({ customers: { "123": customerView() }, texts: CONSENT_TEXTS });
  const pos = await renderTarget("pos.home.modal.render", {
    cart: cartWith({ customerId: 123, productIds: [9], subtotal: options.subtotal }),
    fetch: server.fetch,
    ...(options.storage ? { storage: options.storage } : {}),
  });
  done = pos.done;
  await waitFor(() => expect(screen.text()).toContain("Sarah Lee"));
  screen.click("Redeem points");
  await waitFor(() => expect(screen.all("s-page")[0]!.getAttribute("heading")).toBe("Redeem points"));
  return { server, pos };
}

describe("Redeem points (pos.home.modal.render)", () => {
  it("offers the most the cart allows first; applying holds the points, then discounts the cart", async () => {
    const { server, pos } = await openRedeem({ subtotal: "40.00" });
    await waitFor(() => expect(screen.text()).toContain("Available: 1380 points"));
    expect(screen.buttons()).toEqual([
      "Back",
      "1380 points · €13.80",
      "200 points · €2.00",
      "500 points · €5.00",
      "1000 points · €10.00",
      "Apply €13.80 discount",
    ]);
    expect(screen.text()).toContain("Discount: €13.80 for 1380 points");
    screen.click("500 points · €5.00");
    await waitFor(() => expect(screen.text()).toContain("Discount: €5.00 for 500 points"));
    screen.click("Apply €5.00 discount");
    await waitFor(() =>
      expect(pos.spies.applyCartDiscount).toHaveBeenCalledWith("FixedAmount", "500 loyalty points", "5.00"),
    );
    const [hold] = server.callsTo("POST", "/api/pos/redemptions");
    expect(hold!.headers.Authorization).toBe(`Bearer ${SESSION_TOKEN}`);
    const body = redemptionHoldSchema.parse(hold!.body);
    expect(body).toMatchObject({ shopifyCustomerId: "123", points: 500, cartTotal: "40.00" });
    expect(pos.spies.addCartProperties).toHaveBeenCalledWith({ _c360_redemption: body.redemptionId });
    expect(await pos.storage.get(ACTIVE_REDEMPTION_KEY)).toBe(body.redemptionId);
    await waitFor(() => expect(screen.text()).toContain("500 loyalty points on this cart: €5.00 off."));
    expect(pos.spies.toast).toHaveBeenCalledWith("500 loyalty points applied to the cart.");

    screen.click("Remove points discount");
    await waitFor(() => expect(pos.spies.removeCartDiscount).toHaveBeenCalledTimes(1));
    expect(server.callsTo("POST", `/api/pos/redemptions/${body.redemptionId}/release`)).toHaveLength(1);
    expect(pos.spies.removeCartProperties).toHaveBeenCalledWith(["_c360_redemption"]);
    expect(await pos.storage.get(ACTIVE_REDEMPTION_KEY)).toBeUndefined();
    // Back to choosing, with the clerk's last pick still selected.
    await waitFor(() => expect(screen.buttons()).toContain("Apply €5.00 discount"));
  });

  it("never offers more than the cart's total", async () => {
    await openRedeem({ subtotal: "2.50" });
    await waitFor(() => expect(screen.text()).toContain("Discount: €2.50 for 250 points"));
    expect(screen.buttons()).toEqual([
      "Back",
      "250 points · €2.50",
      "100 points · €1.00",
      "200 points · €2.00",
      "Apply €2.50 discount",
    ]);
  });

  it("offline: says why points can't be redeemed and sends nothing", async () => {
    const { server, pos } = await openRedeem({ subtotal: "40.00" });
    pos.setConnected(false);
    await waitFor(() => expect(screen.text()).toContain(OFFLINE_REFUSAL));
    expect(screen.button("Apply €13.80 discount").hasAttribute("disabled")).toBe(true);
    screen.click("Apply €13.80 discount");
    expect(server.callsTo("POST", "/api/pos/redemptions")).toHaveLength(0);
    expect(pos.spies.applyCartDiscount).not.toHaveBeenCalled();
  });

  it("a cart that already carries points offers to remove them, not to apply more", async () => {
    const storage = fakeStorage({ [ACTIVE_REDEMPTION_KEY]: "6f1c2a4e-8d0b-4b7e-9a51-3f0e2d1c9b87" });
    await openRedeem({ subtotal: "40.00", storage });
    await waitFor(() => expect(screen.text()).toContain("Points are on this cart."));
    expect(screen.buttons()).toEqual(["Back", "Remove points discount"]);
  });
});
