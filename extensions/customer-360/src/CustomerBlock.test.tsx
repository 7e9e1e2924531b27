import { afterEach, describe, expect, it, vi } from "vitest";
import CustomerBlock from "./CustomerBlock";
import { COMPONENTS, customerView, fakePosApi, fakeServer, renderTarget, waitFor } from "./test-host";

afterEach(() => vi.unstubAllGlobals());

describe("pos.customer-details.block.render", () => {
  it("shows a compact profile and loyalty for the customer on screen", async () => {
    const server = fakeServer({ customers: { "123": customerView({ openDuplicates: 1 }) } });
    vi.stubGlobal("fetch", server.fetch);
    const pos = fakePosApi({ customerId: 123 });
    const block = await renderTarget(CustomerBlock, pos.api, COMPONENTS.block);
    await waitFor(() => expect(block.text()).toContain("1380 points · 120 points to Gold"));
    expect(block.text()).toContain("7 orders · €1,380.00 lifetime");
    expect(block.all("Badge").map((b) => (b.props as { text: string }).text)).toEqual(["Silver", "Loyal", "1 possible duplicate(s)"]);
  });

  it("says so when the customer has no profile yet", async () => {
    vi.stubGlobal("fetch", fakeServer({}).fetch);
    const block = await renderTarget(CustomerBlock, fakePosApi({ customerId: 999 }).api, COMPONENTS.block);
    await waitFor(() => expect(block.text()).toContain("This customer has no Customer 360 profile yet."));
  });
});
