import { consentCaptureSchema } from "@c360/shared";
import { afterEach, describe, expect, it } from "vitest";
import { CONSENT_TEXTS, cartWith, customerView, fakeServer, renderTarget, screen, waitFor } from "./test-support";

let done: (() => void) | undefined;
afterEach(() => done?.());

async function askFor(channel: "SMS" | "WhatsApp" | "Email", phones: string[]) {
  const server = fakeServer({ customers: { "123": customerView({ phones }) }, texts: CONSENT_TEXTS });
  const pos = await renderTarget("pos.home.modal.render", { cart: cartWith({ customerId: 123 }), fetch: server.fetch });
  done = pos.done;
  await waitFor(() => expect(screen.text()).toContain("Sarah Lee"));
  screen.click("Marketing consent");
  await waitFor(() => expect(screen.buttons()).toContain(`Ask for ${channel} consent`));
  screen.click(`Ask for ${channel} consent`);
  await waitFor(() => expect(screen.buttons()).toContain("Customer agrees"));
  return { server, pos };
}

describe("SMS and WhatsApp consent need a phone number (pos.home.modal.render)", () => {
  it("without a phone on the profile, asks the clerk for it and sends it with the grant", async () => {
    const { server } = await askFor("SMS", []);
    expect(screen.all("s-text-field").map((f) => f.getAttribute("label"))).toEqual(["Customer's phone number"]);
    expect(screen.button("Customer agrees").hasAttribute("disabled")).toBe(true);
    screen.click("Customer agrees");
    await new Promise((r) => setTimeout(r, 50));
    expect(server.callsTo("POST", "/api/consents")).toHaveLength(0);
    expect(screen.all("s-text-field")[0]!.getAttribute("details")).toBe(
      'SMS consent needs the customer\'s phone number: add it (field "phone").',
    );

    screen.type("s-text-field", " +1 415 555 0199 ");
    await waitFor(() => expect(screen.button("Customer agrees").hasAttribute("disabled")).toBe(false));
    screen.click("Customer agrees");
    await waitFor(() => expect(server.callsTo("POST", "/api/consents")).toHaveLength(1));
    const capture = consentCaptureSchema.parse(server.callsTo("POST", "/api/consents")[0]!.body);
    expect(capture).toMatchObject({ channel: "sms", action: "granted", phone: "+1 415 555 0199" });
  });

  it("WhatsApp too; a profile that has a phone, or a channel that needs none, is not asked", async () => {
    await askFor("WhatsApp", []);
    expect(screen.all("s-text-field")).toHaveLength(1);
    done?.();
    const withPhone = await askFor("SMS", ["+14155550100"]);
    expect(screen.all("s-text-field")).toHaveLength(0);
    screen.click("Customer agrees");
    await waitFor(() => expect(withPhone.server.callsTo("POST", "/api/consents")).toHaveLength(1));
    expect(withPhone.server.callsTo("POST", "/api/consents")[0]!.body).not.toHaveProperty("phone");
    done?.();
    await askFor("Email", []);
    expect(screen.all("s-text-field")).toHaveLength(0);
  });
});
