import { registerCustomerCreateSchema } from "@c360/shared";
import { afterEach, describe, expect, it } from "vitest";
import { CONSENT_TEXTS, cartWith, customerView, fakeServer, renderTarget, screen, waitFor } from "./test-support";

let done: (() => void) | undefined;
afterEach(() => done?.());
const heading = () => screen.all("s-page")[0]!.getAttribute("heading");

async function fillNewCustomer(server: ReturnType<typeof fakeServer>, connected = true) {
  const pos = await renderTarget("pos.home.modal.render", { cart: cartWith(), fetch: server.fetch, connected });
  done = pos.done;
  await waitFor(() => expect(screen.buttons()).toContain("New customer"));
  screen.click("New customer");
  await waitFor(() => expect(screen.all("s-text-field")).toHaveLength(4));
  const labels = screen.all("s-text-field").map((f) => f.getAttribute("label"));
  expect(labels).toEqual(["First name", "Last name", "Email", "Phone"]);
  screen.type("s-text-field", "Maya", 0);
  screen.type("s-text-field", "Ortiz", 1);
  screen.type("s-text-field", "maya@mailbox.org", 2);
  return pos;
}

describe("New customer at the register (pos.home.modal.render)", () => {
  it("connected to Shopify: saved, attached to the cart, and consent offered right after", async () => {
    const maya = customerView({ profileId: "p-new", shopifyCustomerId: "901", firstName: "Maya", lastName: "Ortiz" });
    const server = fakeServer({ customers: { "901": maya }, texts: CONSENT_TEXTS, newCustomerShopifyId: "901" });
    const pos = await fillNewCustomer(server);
    screen.click("Save customer");
    await waitFor(() => expect(pos.spies.setCustomer).toHaveBeenCalledWith({ id: 901 }));
    const body = registerCustomerCreateSchema.parse(server.callsTo("POST", "/api/pos/customers")[0]!.body);
    expect(body).toMatchObject({ firstName: "Maya", lastName: "Ortiz", email: "maya@mailbox.org" });
    expect(body).not.toHaveProperty("phone");
    expect(pos.spies.toast).toHaveBeenCalledWith("Maya Ortiz created and added to the cart.");
    await waitFor(() => expect(heading()).toBe("Marketing consent"));
    await waitFor(() => expect(screen.buttons()).toContain("Ask for Email consent"));
  });

  it("not yet known to Shopify: says clearly it is saved and cannot be added to the cart yet", async () => {
    const server = fakeServer({ texts: CONSENT_TEXTS, newCustomerShopifyId: null });
    const pos = await fillNewCustomer(server);
    screen.click("Save customer");
    await waitFor(() => expect(screen.text()).toContain("Maya Ortiz is saved. Shopify does not know them yet"));
    expect(pos.spies.setCustomer).not.toHaveBeenCalled();
  });

  it("offline: says it needs a connection and sends nothing", async () => {
    const server = fakeServer({ texts: CONSENT_TEXTS });
    await fillNewCustomer(server, false);
    screen.click("Save customer");
    await waitFor(() => expect(screen.text()).toContain("Creating a customer needs a connection."));
    expect(server.callsTo("POST", "/api/pos/customers")).toHaveLength(0);
  });
});
