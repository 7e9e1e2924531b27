import { afterEach, describe, expect, it } from "vitest";
import { customerView, fakeServer, renderTarget, screen, waitFor } from "./test-support";

let done: (() => void) | undefined;
afterEach(() => done?.());

describe("pos.customer-details.block.render", () => {
  it("shows a compact profile and loyalty for the customer on screen", async () => {
    const server = fakeServer({ customers: { "123": customerView({ openDuplicates: 1 }) } });
    done = (await renderTarget("pos.customer-details.block.render", { customerId: 123, fetch: server.fetch })).done;
    await waitFor(() => expect(screen.text()).toContain("1380 points · 120 points to Gold"));
    expect(screen.text()).toContain("7 orders · €1,380.00 lifetime");
    expect(screen.all("s-badge").map((b) => b.textContent)).toEqual(["Silver", "Loyal", "1 possible duplicate"]);
  });

  it("says one point, not one points, a tier away", async () => {
    const view = customerView({
      loyalty: { points: 1, tier: "Bronze", nextTier: "Silver", pointsToNextTier: 1, progress: 0.99 },
    });
    done = (
      await renderTarget("pos.customer-details.block.render", {
        customerId: 123,
        fetch: fakeServer({ customers: { "123": view } }).fetch,
      })
    ).done;
    await waitFor(() => expect(screen.text()).toContain("1 point · 1 point to Silver"));
  });

  it("says so when the customer has no profile yet", async () => {
    done = (await renderTarget("pos.customer-details.block.render", { customerId: 999, fetch: fakeServer({}).fetch }))
      .done;
    await waitFor(() => expect(screen.text()).toContain("This customer has no Customer 360 profile yet."));
  });
});
