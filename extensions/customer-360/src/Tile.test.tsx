import { posVisitSchema } from "@c360/shared";
import { afterEach, describe, expect, it } from "vitest";
import {
  SESSION_TOKEN,
  cartWith,
  customerView,
  fakeServer,
  renderTarget,
  screen,
  settle,
  waitFor,
} from "./test-support";

let done: (() => void) | undefined;
afterEach(() => done?.());

const tile = () => screen.all("s-tile")[0]!;

describe("pos.home.tile.render", () => {
  it("with no customer says so, stays enabled, and a tap presents the modal", async () => {
    const server = fakeServer({});
    const pos = await renderTarget("pos.home.tile.render", { cart: cartWith(), fetch: server.fetch });
    done = pos.done;
    await waitFor(() => expect(screen.all("s-tile")).toHaveLength(1));
    expect(tile().getAttribute("heading")).toBe("Customer 360");
    expect(tile().getAttribute("subheading")).toContain("No customer in cart");
    expect(tile().hasAttribute("disabled")).toBe(false);
    tile().click();
    expect(pos.spies.presentModal).toHaveBeenCalledTimes(1);
    await settle();
    expect(server.callsTo("POST", "/api/pos/visits")).toHaveLength(0);
  });

  it("shows the cart customer's name and tier, with a count for duplicates and missing consent", async () => {
    const server = fakeServer({ customers: { "123": customerView({ openDuplicates: 2 }) } });
    done = (
      await renderTarget("pos.home.tile.render", {
        cart: cartWith({ customerId: 123, productIds: [5] }),
        fetch: server.fetch,
      })
    ).done;
    await waitFor(() => expect(tile().getAttribute("heading")).toBe("Sarah Lee"));
    const subheading = tile().getAttribute("subheading")!;
    expect(subheading).toContain("Silver");
    expect(subheading).toContain("2 possible duplicates");
    expect(subheading).toContain("no marketing consent yet");
    expect(tile().getAttribute("itemcount")).toBe("2");
    const profileCall = server.callsTo("GET", "/api/pos/customers/123")[0]!;
    expect(profileCall.headers.Authorization).toBe(`Bearer ${SESSION_TOKEN}`);
    // Relative: POS resolves it against the app's application_url; no host is baked in.
    expect(profileCall.raw).toBe("/api/pos/customers/123");
  });

  it("logs one POS visit per customer per cart, with a client UUID", async () => {
    const server = fakeServer({
      customers: { "123": customerView(), "456": customerView({ profileId: "p2", firstName: "Tom" }) },
    });
    const pos = await renderTarget("pos.home.tile.render", { cart: cartWith(), fetch: server.fetch });
    done = pos.done;
    pos.setCart(cartWith({ customerId: 123 }));
    await waitFor(() => expect(server.callsTo("POST", "/api/pos/visits")).toHaveLength(1));
    const first = server.callsTo("POST", "/api/pos/visits")[0]!;
    expect(first.headers.Authorization).toBe(`Bearer ${SESSION_TOKEN}`);
    expect(posVisitSchema.parse(first.body)).toMatchObject({
      shopifyCustomerId: "123",
      locationId: "42",
      staffId: "77",
    });

    // Same cart: lines change, the customer is removed and re-attached: still one visit.
    pos.setCart(cartWith({ customerId: 123, productIds: [5, 6] }));
    pos.setCart(cartWith({ productIds: [5, 6] }));
    pos.setCart(cartWith({ customerId: 123, productIds: [5, 6] }));
    await settle();
    expect(server.callsTo("POST", "/api/pos/visits")).toHaveLength(1);

    // A second customer on the same cart is their own visit.
    pos.setCart(cartWith({ customerId: 456, productIds: [5, 6] }));
    await waitFor(() => expect(server.callsTo("POST", "/api/pos/visits")).toHaveLength(2));

    // The sale ends (cart empty, no customer); the same customer on the next cart is a new visit.
    pos.setCart(cartWith());
    await settle();
    pos.setCart(cartWith({ customerId: 123 }));
    await waitFor(() => expect(server.callsTo("POST", "/api/pos/visits")).toHaveLength(3));
    const ids = server.callsTo("POST", "/api/pos/visits").map((c) => (c.body as { id: string }).id);
    expect(new Set(ids).size).toBe(3);
  });

  it("offline: shows the kept profile with its time, and queues the visit until connected", async () => {
    const server = fakeServer({ customers: { "123": customerView() } });
    const pos = await renderTarget("pos.home.tile.render", {
      cart: cartWith({ customerId: 123 }),
      fetch: server.fetch,
    });
    done = pos.done;
    await waitFor(() => expect(server.callsTo("POST", "/api/pos/visits")).toHaveLength(1));

    // A later cart, offline.
    pos.setCart(cartWith());
    pos.setConnected(false);
    server.state.down = true;
    await settle();
    const before = server.calls.length;
    pos.setCart(cartWith({ customerId: 123 }));
    await waitFor(() => expect(tile().getAttribute("subheading")).toMatch(/offline, as of \d\d:\d\d/));
    expect(server.calls.length).toBe(before);

    server.state.down = false;
    pos.setConnected(true);
    await waitFor(() => expect(server.callsTo("POST", "/api/pos/visits")).toHaveLength(2));
  });
});
