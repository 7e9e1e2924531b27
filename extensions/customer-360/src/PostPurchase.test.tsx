import { consentCaptureSchema } from "@c360/shared";
import { afterEach, describe, expect, it, vi } from "vitest";
import PostPurchaseConsent from "./PostPurchaseConsent";
import PostPurchaseMenuItem from "./PostPurchaseMenuItem";
import { COMPONENTS, CONSENT_TEXTS, SESSION_TOKEN, customerView, fakePosApi, fakeServer, renderTarget, waitFor } from "./test-host";

afterEach(() => vi.unstubAllGlobals());

describe("pos.purchase.post.action.menu-item.render", () => {
  it("presents the consent modal after a sale with a customer, and is disabled without one", async () => {
    const withCustomer = fakePosApi({ order: { id: 1, name: "#1001", customerId: 123 } });
    const item = await renderTarget(PostPurchaseMenuItem, withCustomer.api, COMPONENTS.menuItem);
    await waitFor(() => expect(item.all("Button")).toHaveLength(1));
    expect(item.button("Ask for marketing consent").props).toMatchObject({ isDisabled: false });
    item.press("Ask for marketing consent");
    expect(withCustomer.api.action.presentModal).toHaveBeenCalledTimes(1);

    const anonymous = await renderTarget(PostPurchaseMenuItem, fakePosApi({ order: { id: 2, name: "#1002" } }).api, COMPONENTS.menuItem);
    await waitFor(() => expect(anonymous.button("Ask for marketing consent").props).toMatchObject({ isDisabled: true }));
  });
});

describe("pos.purchase.post.action.render", () => {
  it("asks only for channels not yet granted, and records the one the customer agrees to", async () => {
    const view = customerView({
      consent: {
        email: { granted: true, since: "2025-11-02T10:00:00.000Z" },
        sms: { granted: false, since: null },
        whatsapp: { granted: false, since: null },
        push: { granted: true, since: "2025-11-02T10:00:00.000Z" },
      },
    });
    const server = fakeServer({ customers: { "123": view }, texts: CONSENT_TEXTS });
    vi.stubGlobal("fetch", server.fetch);
    const pos = fakePosApi({ order: { id: 1, name: "#1001", customerId: 123 } });
    const modal = await renderTarget(PostPurchaseConsent, pos.api, COMPONENTS.modal);
    await waitFor(() => expect(modal.text()).toContain("Ask Sarah Lee:"));
    const titles = modal.all("Button").map((b) => (b.props as { title: string }).title);
    expect(titles).toEqual(["Customer agrees to SMS", "Customer agrees to WhatsApp"]);
    expect(modal.text()).toContain(CONSENT_TEXTS[2]!.text);

    modal.press("Customer agrees to WhatsApp");
    await waitFor(() => expect(server.callsTo("POST", "/api/consents")).toHaveLength(1));
    const call = server.callsTo("POST", "/api/consents")[0]!;
    expect(call.headers.Authorization).toBe(`Bearer ${SESSION_TOKEN}`);
    expect(consentCaptureSchema.parse(call.body)).toMatchObject({ channel: "whatsapp", text: CONSENT_TEXTS[3]!.text, textVersion: 1, source: "pos" });

    const done = modal.all("Screen")[0]!.props as { secondaryAction: { text: string; onPress: () => void } };
    expect(done.secondaryAction.text).toBe("Done");
    done.secondaryAction.onPress();
    expect(pos.api.navigation.dismiss).toHaveBeenCalled();
  });
});
