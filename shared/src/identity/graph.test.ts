import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultShopSettings } from "../settings";
import {
  applyEvent,
  emptyIdentityGraph,
  identifierPartition,
  IdentityGraphError,
  undoMerge,
  type IdentityEvent,
  type IdentityGraph,
} from "./graph";
import { identifierKey, normalizeIdentifiers, type Identifier, type RawIdentifiers } from "./normalize";
import { limitBreaches, type IdentityLimits } from "./resolve";

const settings = defaultShopSettings();
const limits = settings.identityLimits;
const ctx = {
  defaultCountry: settings.defaultCountry,
  junk: settings.junkIdentifiers,
  storeDeviceIds: ["companion-tablet-1"],
};
const day = (d: number) => new Date(Date.UTC(2026, 2, d));

/** Feeds raw events through normalisation and the graph, naming new profiles p1, p2, ... */
function replay(raws: { eventId: string; raw: RawIdentifiers; day: number }[]): IdentityGraph {
  return raws.reduce(
    (graph, { eventId, raw, day: d }, n) =>
      applyEvent(graph, { eventId, identifiers: normalizeIdentifiers(raw, ctx), at: day(d) }, limits, `p${n + 1}`)
        .graph,
    emptyIdentityGraph(),
  );
}

const kinds = (graph: IdentityGraph, profileId: string, kind: Identifier["kind"]) =>
  graph.profiles[profileId]!.identifiers.filter((i) => i.kind === kind).map((i) => i.value);

describe("the Sarah story", () => {
  it("ends as one profile with two emails, one phone and two devices", () => {
    const graph = replay([
      { eventId: "visit", raw: { deviceId: "dev-A" }, day: 1 },
      { eventId: "identify", raw: { deviceId: "dev-A", email: " Sarah@Work.com " }, day: 2 },
      { eventId: "login-phone", raw: { deviceId: "dev-B", email: "sarah@work.com" }, day: 3 },
      {
        eventId: "order-1",
        raw: { deviceId: "dev-B", email: "sarah.personal@gmail.com", shopifyCustomerId: "gid://shopify/Customer/123" },
        day: 4,
      },
      {
        eventId: "capture",
        raw: { email: "SARAH.PERSONAL@gmail.com", phone: "(415) 555-2671", deviceId: "companion-tablet-1" },
        day: 5,
      },
    ]);
    expect(Object.keys(graph.profiles)).toEqual(["p1"]);
    expect(kinds(graph, "p1", "email")).toEqual(["sarah@work.com", "sarah.personal@gmail.com"]);
    expect(kinds(graph, "p1", "phone")).toEqual(["+14155552671"]);
    expect(kinds(graph, "p1", "device")).toEqual(["dev-A", "dev-B"]);
    expect(kinds(graph, "p1", "shopify")).toEqual(["123"]);
    expect(graph.events.map((e) => e.profileId)).toEqual(["p1", "p1", "p1", "p1", "p1"]);
  });

  it("merges when her two emails were first seen apart", () => {
    const graph = replay([
      { eventId: "identify", raw: { deviceId: "dev-A", email: "sarah@work.com" }, day: 1 },
      { eventId: "order-1", raw: { email: "sarah.personal@gmail.com", shopifyCustomerId: "123" }, day: 2 },
      { eventId: "capture", raw: { email: "sarah.personal@gmail.com", phone: "4155552671" }, day: 3 },
      { eventId: "newsletter", raw: { email: "sarah@work.com", phone: "415-555-2671" }, day: 4 },
    ]);
    expect(identifierPartition(graph)).toEqual([
      ["device:dev-A", "email:sarah.personal@gmail.com", "email:sarah@work.com", "phone:+14155552671", "shopify:123"],
    ]);
    expect(graph.merges).toMatchObject([{ mergeId: "merge:newsletter", survivorId: "p1", mergedIds: ["p2"] }]);
    expect(graph.events.every((e) => e.profileId === "p1")).toBe(true);
  });
});

describe("applyEvent", () => {
  it("never links two walk-ins through junk values", () => {
    const graph = replay([
      { eventId: "w1", raw: { email: "test@test.com", phone: "0000000000", deviceId: "phone-1" }, day: 1 },
      { eventId: "w2", raw: { email: "TEST@test.com", phone: "000-000-0000", deviceId: "phone-2" }, day: 2 },
      { eventId: "w3", raw: { email: "noemail@shop.com", phone: "n/a", deviceId: "phone-3" }, day: 3 },
    ]);
    expect(identifierPartition(graph)).toEqual([["device:phone-1"], ["device:phone-2"], ["device:phone-3"]]);
  });

  it("keeps a household's two Shopify customers apart with one candidate", () => {
    const graph = replay([
      { eventId: "o1", raw: { shopifyCustomerId: "123", email: "dad@home.com", phone: "4155552671" }, day: 1 },
      { eventId: "o2", raw: { shopifyCustomerId: "456", email: "mum@home.com", phone: "4155552671" }, day: 2 },
      { eventId: "o3", raw: { shopifyCustomerId: "456", phone: "4155552671" }, day: 3 },
    ]);
    expect(Object.keys(graph.profiles)).toEqual(["p1", "p2"]);
    expect(kinds(graph, "p2", "shopify")).toEqual(["456"]);
    expect(graph.candidates).toHaveLength(1);
    expect(graph.candidates[0]).toMatchObject({ profileId: "p2", otherProfileId: "p1", eventId: "o2" });
    expect(graph.events.map((e) => e.profileId)).toEqual(["p1", "p2", "p2"]);
  });

  it("records an event once even when it is delivered twice", () => {
    const event: IdentityEvent = { eventId: "e1", identifiers: [{ kind: "email", value: "a@x.com" }], at: day(1) };
    const once = applyEvent(emptyIdentityGraph(), event, limits, "p1").graph;
    expect(applyEvent(once, event, limits, "p2").graph).toBe(once);
  });

  it("refuses a profile ID that is already taken", () => {
    const once = applyEvent(emptyIdentityGraph(), { eventId: "e1", identifiers: [], at: day(1) }, limits, "p1").graph;
    expect(() => applyEvent(once, { eventId: "e2", identifiers: [], at: day(1) }, limits, "p1")).toThrow(
      IdentityGraphError,
    );
  });
});

describe("undoMerge", () => {
  const email = (value: string): Identifier => ({ kind: "email", value });
  const phone = (value: string): Identifier => ({ kind: "phone", value });
  const device = (value: string): Identifier => ({ kind: "device", value });
  const events: IdentityEvent[] = [
    { eventId: "e1", identifiers: [email("a@x.com")], at: day(1) },
    { eventId: "e2", identifiers: [email("b@x.com"), phone("+14155552671")], at: day(2) },
    { eventId: "e3", identifiers: [email("a@x.com"), phone("+14155552671"), device("d1")], at: day(3) },
    { eventId: "e4", identifiers: [email("b@x.com"), device("d2")], at: day(4) },
  ];
  const merged = events.reduce((g, e, n) => applyEvent(g, e, limits, `p${n + 1}`).graph, emptyIdentityGraph());

  it("restores both profiles and re-attributes later events by their identifiers", () => {
    const undone = undoMerge(merged, "merge:e3");
    expect(undone.profiles).toEqual({
      p1: { profileId: "p1", createdAt: day(1), identifiers: [email("a@x.com"), device("d1")] },
      p2: { profileId: "p2", createdAt: day(2), identifiers: [email("b@x.com"), phone("+14155552671"), device("d2")] },
    });
    expect(undone.events.map((e) => [e.eventId, e.profileId])).toEqual([
      ["e1", "p1"],
      ["e2", "p2"],
      ["e3", "p1"],
      ["e4", "p2"],
    ]);
    expect(undone.merges[0]!.undone).toBe(true);
  });

  it("refuses to undo twice, after the window, or a merge that was followed by another", () => {
    const undone = undoMerge(merged, "merge:e3");
    expect(() => undoMerge(undone, "merge:e3")).toThrow(/already been undone/);
    expect(() => undoMerge(merged, "merge:e3", { now: day(20), undoWindowDays: 7 })).toThrow(/older than 7 days/);
    expect(() => undoMerge(merged, "merge:nope")).toThrow(/no merge/);
    const again = applyEvent(
      merged,
      { eventId: "e5", identifiers: [email("a@x.com"), email("c@x.com")], at: day(5) },
      limits,
      "p9",
    ).graph;
    const twice = applyEvent(
      applyEvent(again, { eventId: "e6", identifiers: [email("z@x.com")], at: day(6) }, limits, "p6").graph,
      { eventId: "e7", identifiers: [email("z@x.com"), email("c@x.com")], at: day(7) },
      limits,
      "p7",
    ).graph;
    expect(() => undoMerge(twice, "merge:e3")).toThrow(/undo the later merge first/);
  });
});

// ---- properties ----------------------------------------------------------------------------------

const id = (kind: Identifier["kind"], value: string): Identifier => ({ kind, value });
const eventsArb = (identifier: fc.Arbitrary<Identifier>) =>
  fc
    .array(fc.uniqueArray(identifier, { selector: identifierKey, minLength: 1, maxLength: 3 }), {
      minLength: 1,
      maxLength: 12,
    })
    .map((sets) => sets.map((identifiers, n): IdentityEvent => ({ eventId: `e${n}`, identifiers, at: day(1 + n) })));

function run(events: readonly IdentityEvent[], lim: IdentityLimits): IdentityGraph {
  return events.reduce((g, e) => applyEvent(g, e, lim, `p-${e.eventId}`).graph, emptyIdentityGraph());
}

function expectConsistent(graph: IdentityGraph, lim: IdentityLimits) {
  const eventIds = graph.events.map((e) => e.eventId);
  expect(new Set(eventIds).size).toBe(eventIds.length);
  for (const e of graph.events) expect(graph.profiles[e.profileId]).toBeDefined();
  const keys = Object.values(graph.profiles).flatMap((p) => p.identifiers.map(identifierKey));
  expect(new Set(keys).size).toBe(keys.length);
  for (const p of Object.values(graph.profiles)) expect(limitBreaches(p.identifiers, lim)).toEqual([]);
}

const permuted = <T>(items: readonly T[]) =>
  fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

describe("identity graph properties", () => {
  const roomy = { maxShopifyIds: 1, maxEmails: 50, maxPhones: 50 };

  it("(a) without conflicts, which identifiers end up together does not depend on event order", () => {
    // One Shopify ID and no devices: no limit can break and the shared-device rule never applies.
    const accounts = fc.oneof(
      fc.constant(id("shopify", "1")),
      fc.constantFrom("a@x.com", "b@x.com", "c@x.com", "d@x.com", "e@x.com").map((v) => id("email", v)),
      fc.constantFrom("m1", "m2").map((v) => id("marketplace", v)),
      fc.constantFrom("+14155550001", "+14155550002", "+14155550003").map((v) => id("phone", v)),
    );
    // Devices, but only one account identifier in the whole world, so no two profiles both hold one.
    const devices = fc.oneof(
      fc.constant(id("email", "a@x.com")),
      fc.constantFrom("+14155550001", "+14155550002").map((v) => id("phone", v)),
      fc.constantFrom("d1", "d2", "d3", "d4").map((v) => id("device", v)),
    );
    for (const world of [accounts, devices]) {
      fc.assert(
        fc.property(
          eventsArb(world).chain((events) => fc.tuple(fc.constant(events), permuted(events))),
          ([events, shuffled]) => {
            expect(identifierPartition(run(shuffled, roomy))).toEqual(identifierPartition(run(events, roomy)));
          },
        ),
        { numRuns: 200 },
      );
    }
  });

  const conflicted = fc.oneof(
    fc.constantFrom("1", "2").map((v) => id("shopify", v)),
    fc.constantFrom("a@x.com", "b@x.com", "c@x.com").map((v) => id("email", v)),
    fc.constantFrom("+14155550001", "+14155550002").map((v) => id("phone", v)),
    fc.constantFrom("d1", "d2", "d3").map((v) => id("device", v)),
  );
  const tight = { maxShopifyIds: 1, maxEmails: 2, maxPhones: 1 };

  it("(b) undoing a merge right away restores every profile exactly as its snapshot", () => {
    fc.assert(
      fc.property(eventsArb(conflicted), (events) => {
        let graph = emptyIdentityGraph();
        for (const event of events) {
          const before = graph;
          const step = applyEvent(graph, event, tight, `p-${event.eventId}`);
          graph = step.graph;
          if (step.decision.kind !== "merge") continue;
          const undone = undoMerge(graph, `merge:${event.eventId}`);
          const broughtByEvent = new Set(step.decision.attach.map(identifierKey));
          const withoutEvent = Object.fromEntries(
            Object.entries(undone.profiles).map(([pid, p]) => [
              pid,
              { ...p, identifiers: p.identifiers.filter((i) => !broughtByEvent.has(identifierKey(i))) },
            ]),
          );
          expect(withoutEvent).toEqual(before.profiles);
          for (const snapshot of graph.merges.at(-1)!.snapshots)
            expect(withoutEvent[snapshot.profileId]).toEqual(snapshot);
          expect(undone.events.slice(0, -1)).toEqual(before.events);
          expectConsistent(undone, tight);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("(b) undoing the latest merge after more events re-attributes those events by their identifiers", () => {
    fc.assert(
      fc.property(eventsArb(conflicted), (events) => {
        const graph = run(events, tight);
        const merge = graph.merges.at(-1);
        if (!merge) return;
        const undone = undoMerge(graph, merge.mergeId);
        const gained = new Set(
          graph.profiles[merge.survivorId]!.identifiers.map(identifierKey).filter(
            (k) => !merge.snapshots.some((s) => s.identifiers.some((i) => identifierKey(i) === k)),
          ),
        );
        for (const snapshot of merge.snapshots) {
          const restored = undone.profiles[snapshot.profileId]!;
          expect({ ...restored, identifiers: restored.identifiers.slice(0, snapshot.identifiers.length) }).toEqual(
            snapshot,
          );
          for (const extra of restored.identifiers.slice(snapshot.identifiers.length))
            expect(gained.has(identifierKey(extra))).toBe(true);
        }
        const restoredIds = new Set(merge.snapshots.map((s) => s.profileId));
        for (const e of undone.events) {
          const was = merge.eventProfiles[e.eventId];
          if (was !== undefined) expect(e.profileId).toBe(was);
          else if (graph.events.find((g) => g.eventId === e.eventId)!.profileId === merge.survivorId) {
            expect(restoredIds.has(e.profileId)).toBe(true);
            const held = new Set(undone.profiles[e.profileId]!.identifiers.map(identifierKey));
            expect(e.identifiers.some((i) => held.has(identifierKey(i)))).toBe(true);
          }
        }
        expectConsistent(undone, tight);
      }),
      { numRuns: 300 },
    );
  });

  it("(c) no event ever belongs to two profiles, through any mix of events and undos", () => {
    const step = fc.oneof(
      { arbitrary: fc.uniqueArray(conflicted, { selector: identifierKey, minLength: 1, maxLength: 3 }), weight: 4 },
      { arbitrary: fc.constant("undo" as const), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 20 }), (steps) => {
        let graph = emptyIdentityGraph();
        steps.forEach((s, n) => {
          if (s === "undo") {
            const latest = graph.merges.filter((m) => !m.undone).at(-1);
            if (latest) graph = undoMerge(graph, latest.mergeId);
          } else {
            graph = applyEvent(graph, { eventId: `e${n}`, identifiers: s, at: day(1 + n) }, tight, `p${n}`).graph;
          }
          expectConsistent(graph, tight);
        });
        const owners = graph.events.map(
          (e) => Object.values(graph.profiles).filter((p) => p.profileId === e.profileId).length,
        );
        expect(owners.every((count) => count === 1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
