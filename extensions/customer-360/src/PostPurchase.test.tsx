import { consentCaptureSchema } from "@c360/shared";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CONSENT_TEXTS, SESSION_TOKEN, customerView, fakeServer, renderTarget, screen, waitFor } from "./test-support";

let done: (() => void) | undefined;
afterEach(() => done?.());

describe("pos.purchase.post.action.menu-item.render", () => {
  it("presents the consent modal after a sale with a customer", async () => {
    const pos = await renderTarget("pos.purchase.post.action.menu-item.render", {
      order: { id: 1, name: "#1001", customerId: 123 },
    });
    done = pos.done;
    await waitFor(() => expect(screen.buttons()).toEqual(["Ask for marketing consent"]));
    expect(screen.button("Ask for marketing consent").hasAttribute("disabled")).toBe(false);
    screen.click("Ask for marketing consent");
    expect(pos.spies.presentModal).toHaveBeenCalledTimes(1);
  });

  it("is disabled for a sale without a customer", async () => {
    done = (await renderTarget("pos.purchase.post.action.menu-item.render", { order: { id: 2, name: "#1002" } })).done;
    await waitFor(() => expect(screen.button("Ask for marketing consent").hasAttribute("disabled")).toBe(true));
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
    const pos = await renderTarget("pos.purchase.post.action.render", {
      order: { id: 1, name: "#1001", customerId: 123 },
      fetch: server.fetch,
    });
    done = pos.done;
    await waitFor(() => expect(screen.text()).toContain("Ask Sarah Lee:"));
    expect(screen.buttons()).toEqual(["Customer agrees to SMS", "Customer agrees to WhatsApp", "Done"]);
    expect(screen.text()).toContain(CONSENT_TEXTS[2]!.text);

    screen.click("Customer agrees to WhatsApp");
    await waitFor(() => expect(server.callsTo("POST", "/api/consents")).toHaveLength(1));
    const call = server.callsTo("POST", "/api/consents")[0]!;
    expect(call.headers.Authorization).toBe(`Bearer ${SESSION_TOKEN}`);
    expect(consentCaptureSchema.parse(call.body)).toMatchObject({
      channel: "whatsapp",
      text: CONSENT_TEXTS[3]!.text,
      textVersion: 1,
      source: "pos",
    });
    await waitFor(() => expect(pos.spies.toast).toHaveBeenCalledWith("WhatsApp consent recorded."));

    const close = vi.spyOn(window, "close").mockImplementation(() => undefined);
    screen.click("Done");
    expect(close).toHaveBeenCalledTimes(1);
  });
});
