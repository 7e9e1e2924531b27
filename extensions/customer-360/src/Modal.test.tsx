import { consentCaptureSchema } from "@c360/shared";
import { afterEach, describe, expect, it, vi } from "vitest";
import Modal, { SCREENS } from "./Modal";
import { STORAGE_KEYS } from "./storage";
import {
  COMPONENTS,
  CONSENT_TEXTS,
  SESSION_TOKEN,
  cartWith,
  customerView,
  fakePosApi,
  fakeServer,
  fakeStorage,
  renderTarget,
  settle,
  waitFor,
} from "./test-host";

afterEach(() => vi.unstubAllGlobals());

const EMAIL_TEXT = CONSENT_TEXTS[0]!;

describe("pos.home.modal.render", () => {
  it("Profile: stage, tier, points and progress, orders, spend, churn band, last visit, duplicates warning", async () => {
    const server = fakeServer({ customers: { "123": customerView({ openDuplicates: 1 }) }, texts: CONSENT_TEXTS });
    vi.stubGlobal("fetch", server.fetch);
    const pos = fakePosApi({ cart: cartWith({ customerId: 123 }) });
    const modal = await renderTarget(Modal, pos.api, COMPONENTS.modal);
    await waitFor(() => expect(modal.text()).toContain("Sarah Lee"));
    const text = modal.text();
    for (const expected of [
      "Lifecycle stage: Loyal",
      "Tier: Silver",
      "Points: 1380 · 120 points to Gold (88%)",
      "Orders: 7",
      "Lifetime spend: €1,380.00",
      "POS spend: €920.00",
      "Churn risk: Healthy",
      "Last visit:",
      "1 possible duplicate profile",
    ]) {
      expect(text).toContain(expected);
    }
    expect(modal.all("Navigator")[0]!.props).toMatchObject({ initialScreenName: SCREENS.profile });
    expect(modal.all("Screen").map((s) => (s.props as { name: string }).name)).toEqual([SCREENS.profile, SCREENS.consent, SCREENS.confirm, SCREENS.upsell]);
  });

  it("no customer: says so and offers a look-up, which loads that profile", async () => {
    const server = fakeServer({ customers: { "456": customerView({ firstName: "Tom", lastName: "Ng" }) }, texts: CONSENT_TEXTS });
    vi.stubGlobal("fetch", server.fetch);
    const pos = fakePosApi({ cart: cartWith() });
    const modal = await renderTarget(Modal, pos.api, COMPONENTS.modal);
    await waitFor(() => expect(modal.text()).toContain("No customer in the cart."));
    const search = modal.all("SearchBar")[0]!;
    (search.props as { onSearch: (v: string) => void }).onSearch(" 456 ");
    await waitFor(() => expect(modal.text()).toContain("Tom Ng"));
  });

  it("Consent: a capture sends the shop's exact text and version, staff from the session, with the session token", async () => {
    const server = fakeServer({ customers: { "123": customerView() }, texts: CONSENT_TEXTS });
    vi.stubGlobal("fetch", server.fetch);
    const pos = fakePosApi({ cart: cartWith({ customerId: 123 }) });
    const modal = await renderTarget(Modal, pos.api, COMPONENTS.modal);
    await waitFor(() => expect(modal.text()).toContain("Sarah Lee"));

    modal.press("Marketing consent");
    expect(pos.api.navigation.navigate).toHaveBeenCalledWith(SCREENS.consent);
    expect(modal.text()).toContain("Not granted");
    modal.press("Ask for Email consent");
    expect(pos.api.navigation.navigate).toHaveBeenLastCalledWith(SCREENS.confirm);
    await waitFor(() => expect(modal.text()).toContain(EMAIL_TEXT.text));
    expect(modal.text()).toContain("Consent text version 3 (en)");

    modal.press("Customer agrees");
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
    await waitFor(() => expect(pos.api.toast.show).toHaveBeenCalledWith("Consent recorded."));
    expect(pos.api.navigation.pop).toHaveBeenCalled();
  });

  it("offline: shows the kept profile as of its time, queues a capture, and sends it exactly once when back online", async () => {
    const storage = fakeStorage({
      [STORAGE_KEYS.profiles]: [{ shopifyCustomerId: "123", view: customerView(), fetchedAt: "2026-03-02T14:05:00.000Z" }],
      [STORAGE_KEYS.consentTexts]: CONSENT_TEXTS,
    });
    const server = fakeServer({ customers: { "123": customerView() }, texts: CONSENT_TEXTS });
    server.state.down = true;
    vi.stubGlobal("fetch", server.fetch);
    const pos = fakePosApi({ cart: cartWith({ customerId: 123 }), connected: false, storage });
    const modal = await renderTarget(Modal, pos.api, COMPONENTS.modal);
    await waitFor(() => expect(modal.text()).toContain("offline, as of 14:05"));
    expect(modal.text()).toContain("Tier: Silver");
    expect(server.calls).toHaveLength(0);

    modal.press("Ask for SMS consent");
    await waitFor(() => expect(modal.text()).toContain(CONSENT_TEXTS[2]!.text));
    modal.press("Customer agrees");
    await waitFor(() => expect(pos.api.toast.show).toHaveBeenCalledWith("Consent saved on this register; pending sync."));
    expect(server.callsTo("POST", "/api/consents")).toHaveLength(0);
    const queued = [...storage.map.keys()].filter((k) => k.startsWith(STORAGE_KEYS.outboxPrefix));
    expect(queued).toHaveLength(1);
    await waitFor(() => expect(modal.text()).toContain("Granted, pending sync"));

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
    expect(sent.id).toBe(queued[0]!.slice(STORAGE_KEYS.outboxPrefix.length));
    expect(sent).toMatchObject({ channel: "sms", text: CONSENT_TEXTS[2]!.text, textVersion: 1 });
    expect([...storage.map.keys()].filter((k) => k.startsWith(STORAGE_KEYS.outboxPrefix))).toHaveLength(0);
    await waitFor(() => expect(modal.text()).not.toContain("offline, as of"));
  });

  it("Upsell: hints for the cart's lines with their one-line reason", async () => {
    const server = fakeServer({
      customers: { "123": customerView() },
      texts: CONSENT_TEXTS,
      hints: [
        { kind: "co_purchase", productId: "88", message: "Bought with Trail Shoes by 34% of customers (lift 2.1)" },
        { kind: "loyalty", message: "120 points to Gold" },
      ],
    });
    vi.stubGlobal("fetch", server.fetch);
    const pos = fakePosApi({ cart: cartWith({ customerId: 123, productIds: [5, 6, 5] }) });
    const modal = await renderTarget(Modal, pos.api, COMPONENTS.modal);
    await waitFor(() => expect(modal.text()).toContain("Bought with Trail Shoes by 34% of customers (lift 2.1)"));
    expect(modal.text()).toContain("Often bought together");
    expect(modal.text()).toContain("120 points to Gold");
    const hintsCall = server.callsTo("GET", "/api/pos/hints")[0]!;
    expect(hintsCall.url.searchParams.get("customer")).toBe("123");
    expect(hintsCall.url.searchParams.get("lines")).toBe("5,6");
  });
});
