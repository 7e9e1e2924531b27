import { posVisitSchema } from "@c360/shared";
import { afterEach, describe, expect, it, vi } from "vitest";
import Tile from "./Tile";
import { COMPONENTS, SESSION_TOKEN, cartWith, customerView, fakePosApi, fakeServer, renderTarget, settle, waitFor } from "./test-host";

afterEach(() => vi.unstubAllGlobals());

describe("pos.home.tile.render", () => {
  it("with no customer says so, stays enabled, and a press presents the modal", async () => {
    const server = fakeServer({});
    vi.stubGlobal("fetch", server.fetch);
    const pos = fakePosApi({ cart: cartWith() });
    const tile = await renderTarget(Tile, pos.api, COMPONENTS.tile);
    await waitFor(() => expect(tile.all("Tile")).toHaveLength(1));
    const props = tile.all("Tile")[0]!.props as { title: string; subtitle: string; enabled: boolean; onPress: () => void };
    expect(props.title).toBe("Customer 360");
    expect(props.subtitle).toContain("No customer in cart");
    expect(props.enabled).toBe(true);
    props.onPress();
    expect(pos.api.action.presentModal).toHaveBeenCalledTimes(1);
    await settle();
    expect(server.callsTo("POST", "/api/pos/visits")).toHaveLength(0);
  });

  it("shows the cart customer's name and tier, with a badge for duplicates and missing consent", async () => {
    const server = fakeServer({ customers: { "123": customerView({ openDuplicates: 2 }) } });
    vi.stubGlobal("fetch", server.fetch);
    const pos = fakePosApi({ cart: cartWith({ customerId: 123, productIds: [5] }) });
    const tile = await renderTarget(Tile, pos.api, COMPONENTS.tile);
    await waitFor(() => expect((tile.all("Tile")[0]!.props as { title: string }).title).toBe("Sarah Lee"));
    const props = tile.all("Tile")[0]!.props as { subtitle: string; badgeValue?: number };
    expect(props.subtitle).toContain("Silver");
    expect(props.subtitle).toContain("2 possible duplicates");
    expect(props.subtitle).toContain("no marketing consent yet");
    expect(props.badgeValue).toBe(2);
    const profileCall = server.callsTo("GET", "/api/pos/customers/123")[0]!;
    expect(profileCall.headers.Authorization).toBe(`Bearer ${SESSION_TOKEN}`);
  });

  it("logs one POS visit per customer per cart, with a client UUID", async () => {
    const server = fakeServer({ customers: { "123": customerView(), "456": customerView({ profileId: "p2", firstName: "Tom" }) } });
    vi.stubGlobal("fetch", server.fetch);
    const pos = fakePosApi({ cart: cartWith() });
    await renderTarget(Tile, pos.api, COMPONENTS.tile);
    pos.setCart(cartWith({ customerId: 123 }));
    await waitFor(() => expect(server.callsTo("POST", "/api/pos/visits")).toHaveLength(1));
    const first = server.callsTo("POST", "/api/pos/visits")[0]!;
    expect(first.headers.Authorization).toBe(`Bearer ${SESSION_TOKEN}`);
    const visit = posVisitSchema.parse(first.body);
    expect(visit).toMatchObject({ shopifyCustomerId: "123", locationId: "42", staffId: "77" });

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
    vi.stubGlobal("fetch", server.fetch);
    const pos = fakePosApi({ cart: cartWith({ customerId: 123 }) });
    const tile = await renderTarget(Tile, pos.api, COMPONENTS.tile);
    await waitFor(() => expect(server.callsTo("POST", "/api/pos/visits")).toHaveLength(1));

    // A later cart, offline.
    pos.setCart(cartWith());
    pos.setConnected(false);
    server.state.down = true;
    await settle();
    const before = server.calls.length;
    pos.setCart(cartWith({ customerId: 123 }));
    await waitFor(() => expect((tile.all("Tile")[0]!.props as { subtitle: string }).subtitle).toMatch(/offline, as of \d\d:\d\d/));
    expect(server.calls.length).toBe(before);

    server.state.down = false;
    pos.setConnected(true);
    await waitFor(() => expect(server.callsTo("POST", "/api/pos/visits")).toHaveLength(2));
  });
});
