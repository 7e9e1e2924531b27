import { consentCaptureSchema } from "@c360/shared";
import { afterEach, describe, expect, it } from "vitest";
import { STORAGE_KEYS } from "./storage";
import {
  CONSENT_TEXTS,
  SESSION_TOKEN,
  cartWith,
  customerView,
  fakeServer,
  fakeStorage,
  renderTarget,
  screen,
  settle,
  waitFor,
} from "./test-support";

let done: (() => void) | undefined;
afterEach(() => done?.());
const heading = () => screen.all("s-page")[0]!.getAttribute("heading");

const EMAIL_TEXT = CONSENT_TEXTS[0]!;

describe("pos.home.modal.render", () => {
  it("Profile: stage, tier, points, progress, orders, spend, churn band, last visit, duplicates warning", async () => {
    const recentOrders = [
      {
        orderId: "1002",
        placedAt: "2026-03-01T10:05:00.000Z",
        total: 138,
        products: ["Linen Shirt", "Chino Trousers"],
      },
      { orderId: "1001", placedAt: "2026-02-01T10:05:00.000Z", total: 18, products: ["Wool Socks"] },
    ];
    const server = fakeServer({
      customers: { "123": customerView({ openDuplicates: 1, recentOrders }) },
      texts: CONSENT_TEXTS,
    });
    const pos = await renderTarget("pos.home.modal.render", {
      cart: cartWith({ customerId: 123 }),
      fetch: server.fetch,
    });
    done = pos.done;
    await waitFor(() => expect(screen.text()).toContain("Sarah Lee"));
    const text = screen.text();
    for (const expected of [
      "Lifecycle stage: Loyal",
      "Tier: Silver",
      "Points: 1380 points · 120 points to Gold (88%)",
      "Orders: 7",
      "Lifetime spend: €1,380.00",
      "POS spend: €920.00",
      "Churn risk: Healthy",
      "Last visit:",
      "1 possible duplicate profile",
      "Recent purchases",
      "2026-03-01 · €138.00 · Linen Shirt, Chino Trousers",
      "2026-02-01 · €18.00 · Wool Socks",
    ]) {
      expect(text).toContain(expected);
    }
    expect(heading()).toBe("Customer 360");
    expect(screen.buttons()).toEqual(["Marketing consent", "Redeem points", "Upsell hints"]);
  });

  it("no customer: finds one by name, shows email and phone to confirm, and attaches them to the cart", async () => {
    const server = fakeServer({
      customers: {
        "456": customerView({
          profileId: "p-tom",
          firstName: "Tom",
          lastName: "Ng",
          emails: ["tom@mailbox.org"],
          phones: ["+14155550199"],
        }),
        "789": customerView({
          profileId: "p-ann",
          firstName: "Ann",
          lastName: "Lee",
          emails: ["ann@mailbox.org"],
          phones: [],
        }),
      },
      texts: CONSENT_TEXTS,
    });
    const pos = await renderTarget("pos.home.modal.render", { cart: cartWith(), fetch: server.fetch });
    done = pos.done;
    await waitFor(() => expect(screen.text()).toContain("No customer in the cart."));
    screen.type("s-search-field", " tom ");
    await waitFor(() => expect(screen.text()).toContain("Email: tom@mailbox.org"));
    expect(screen.text()).toContain("Phone: +14155550199");
    expect(screen.text()).not.toContain("Ann Lee");
    expect(server.callsTo("GET", "/api/pos/customers")[0]!.url.searchParams.get("q")).toBe("tom");
    screen.click("Add Tom Ng to cart");
    await waitFor(() => expect(pos.spies.setCustomer).toHaveBeenCalledWith({ id: 456 }));
    await waitFor(() => expect(screen.text()).toContain("Lifecycle stage: Loyal"));
    expect(screen.text()).toContain("Tom Ng");
  });

  it("look-up offline says it needs a connection instead of searching", async () => {
    const server = fakeServer({});
    const pos = await renderTarget("pos.home.modal.render", {
      cart: cartWith(),
      connected: false,
      fetch: server.fetch,
    });
    done = pos.done;
    await waitFor(() => expect(screen.all("s-search-field")).toHaveLength(1));
    screen.type("s-search-field", "tom");
    await waitFor(() => expect(screen.text()).toContain("Looking up a customer needs a connection."));
    expect(server.callsTo("GET", "/api/pos/customers")).toHaveLength(0);
  });

  it("Consent: a capture sends the shop's exact text, its version and the staff member, token attached", async () => {
    const server = fakeServer({ customers: { "123": customerView() }, texts: CONSENT_TEXTS });
    const pos = await renderTarget("pos.home.modal.render", {
      cart: cartWith({ customerId: 123 }),
      fetch: server.fetch,
    });
    done = pos.done;
    await waitFor(() => expect(screen.text()).toContain("Sarah Lee"));

    screen.click("Marketing consent");
    await waitFor(() => expect(heading()).toBe("Marketing consent"));
    expect(screen.text()).toContain("Not granted");
    screen.click("Ask for Email consent");
    await waitFor(() => expect(heading()).toBe("Consent"));
    await waitFor(() => expect(screen.text()).toContain(EMAIL_TEXT.text));
    expect(screen.text()).toContain("Consent text version 3 (en)");

    screen.click("Customer agrees");
    await waitFor(() => expect(server.callsTo("POST", "/api/consents")).toHaveLength(1));
    const call = server.callsTo("POST", "/api/consents")[0]!;
    expect(call.headers.Authorization).toBe(`Bearer ${SESSION_TOKEN}`);
    const capture = consentCaptureSchema.parse(call.body);
    expect(capture).toMatchObject({
      shopifyCustomerId: "123",
      channel: "email",
      action: "granted",
      text: EMAIL_TEXT.text,
      textVersion: 3,
      locale: "en",
      source: "pos",
      staffId: "77",
      locationId: "42",
    });
    await waitFor(() => expect(pos.spies.toast).toHaveBeenCalledWith("Consent recorded."));
    await waitFor(() => expect(heading()).toBe("Marketing consent"));
  });

  it("offline: shows the kept profile as of its time, queues a capture, sends it once when back online", async () => {
    const storage = fakeStorage({
      [STORAGE_KEYS.profiles]: [
        { shopifyCustomerId: "123", view: customerView(), fetchedAt: "2026-03-02T14:05:00.000Z" },
      ],
      [STORAGE_KEYS.consentTexts]: CONSENT_TEXTS,
    });
    const server = fakeServer({ customers: { "123": customerView() }, texts: CONSENT_TEXTS });
    server.state.down = true;
    const pos = await renderTarget("pos.home.modal.render", {
      cart: cartWith({ customerId: 123 }),
      connected: false,
      storage,
      fetch: server.fetch,
    });
    done = pos.done;
    await waitFor(() => expect(screen.text()).toContain("offline, as of 14:05"));
    expect(screen.text()).toContain("Tier: Silver");
    expect(server.calls).toHaveLength(0);

    screen.click("Marketing consent");
    await waitFor(() => expect(heading()).toBe("Marketing consent"));
    screen.click("Ask for SMS consent");
    await waitFor(() => expect(screen.text()).toContain(CONSENT_TEXTS[2]!.text));
    screen.click("Customer agrees");
    await waitFor(() => expect(pos.spies.toast).toHaveBeenCalledWith("Consent saved on this register; pending sync."));
    expect(server.callsTo("POST", "/api/consents")).toHaveLength(0);
    // One record holds the queue (and the visit this cart logged offline).
    const queued = (
      storage.map.has(STORAGE_KEYS.outbox) ? JSON.parse(storage.map.get(STORAGE_KEYS.outbox)!) : { entries: [] }
    ) as {
      entries: { kind: string; id: string }[];
    };
    const queuedConsents = queued.entries.filter((e) => e.kind === "consent");
    expect(queuedConsents).toHaveLength(1);
    await waitFor(() => expect(screen.text()).toContain("Granted, pending sync"));

    // Back online (twice, as flaky Wi-Fi does): the capture goes once.
    server.state.down = false;
    pos.setConnected(true);
    pos.setConnected(false);
    pos.setConnected(true);
    await waitFor(() => expect(server.callsTo("POST", "/api/consents")).toHaveLength(1));
    await settle();
    await settle();
    expect(server.callsTo("POST", "/api/consents")).toHaveLength(1);
    const sent = consentCaptureSchema.parse(server.callsTo("POST", "/api/consents")[0]!.body);
    expect(sent.id).toBe(queuedConsents[0]!.id);
    expect(sent).toMatchObject({ channel: "sms", text: CONSENT_TEXTS[2]!.text, textVersion: 1 });
    await waitFor(() => expect(storage.map.has(STORAGE_KEYS.outbox)).toBe(false));
    await waitFor(() => expect(screen.text()).not.toContain("offline, as of"));
  });

  it("Upsell: names the product, explains it in a clerk's words, and adds it to the cart by variant", async () => {
    const server = fakeServer({
      customers: { "123": customerView() },
      texts: CONSENT_TEXTS,
      hints: [
        {
          kind: "co_purchase",
          productId: "88",
          productTitle: "Linen Shirt",
          variantId: "8801",
          message: "52% of people who bought Chino Trousers also bought the Linen Shirt",
        },
        { kind: "loyalty", message: "120 points to Gold" },
      ],
    });
    const pos = await renderTarget("pos.home.modal.render", {
      cart: cartWith({ customerId: 123, productIds: [5, 6, 5] }),
      fetch: server.fetch,
    });
    done = pos.done;
    await waitFor(() => expect(screen.text()).toContain("Sarah Lee"));
    screen.click("Upsell hints");
    await waitFor(() =>
      expect(screen.text()).toContain("52% of people who bought Chino Trousers also bought the Linen Shirt"),
    );
    expect(screen.text()).toContain("Linen Shirt");
    expect(screen.text()).toContain("Often bought together");
    expect(screen.text()).toContain("120 points to Gold");
    expect(screen.text()).not.toMatch(/lift/i);
    const hintsCall = server.callsTo("GET", "/api/pos/hints")[0]!;
    expect(hintsCall.url.searchParams.get("customer")).toBe("123");
    expect(hintsCall.url.searchParams.get("lines")).toBe("5,6");

    screen.click("Add Linen Shirt to cart");
    await waitFor(() => expect(pos.spies.addLineItem).toHaveBeenCalledWith(8801, 1));
    await waitFor(() => expect(pos.spies.toast).toHaveBeenCalledWith("Linen Shirt added to the cart."));
  });
});
