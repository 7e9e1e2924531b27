import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveIdentityBatch, type BatchIdentityEvent, type BatchResolution } from "./batch";
import { applyEvent, emptyIdentityGraph, identifierPartition, IdentityGraphError, type IdentityGraph } from "./graph";
import { identifierKey, type Identifier } from "./normalize";
import type { IdentityLimits, OwnedProfile } from "./resolve";

const limits = { maxShopifyIds: 1, maxEmails: 5, maxPhones: 3 };
const day = (d: number) => new Date(Date.UTC(2026, 2, d));
const shopify = (value: string): Identifier => ({ kind: "shopify", value });
const email = (value: string): Identifier => ({ kind: "email", value });
const phone = (value: string): Identifier => ({ kind: "phone", value });
const device = (value: string): Identifier => ({ kind: "device", value });
const event = (id: string, d: number, ...identifiers: Identifier[]): BatchIdentityEvent => ({
  id,
  identifiers,
  at: day(d),
});
const byEvent = { limits, newProfileId: (e: BatchIdentityEvent) => `p-${e.id}` };

/** Which identifiers belong together after the batch: the given owners it left alone plus every profile it changed. */
function partitionAfter(owners: readonly OwnedProfile[], result: BatchResolution): string[][] {
  const final = new Map(owners.filter((p) => !result.survivorOf.has(p.profileId)).map((p) => [p.profileId, p]));
  for (const p of result.profiles) final.set(p.profileId, p);
  return identifierPartition({ profiles: Object.fromEntries(final), events: [], merges: [], candidates: [] });
}

describe("resolveIdentityBatch", () => {
  it("creates, links and attaches as the per-event rule does", () => {
    const result = resolveIdentityBatch(
      [
        event("c1", 1, shopify("1"), email("a@x.com")),
        event("c2", 2, email("a@x.com"), phone("+14155550001")),
        event("c3", 3, shopify("2"), email("b@x.com")),
      ],
      [],
      byEvent,
    );
    expect(result.events).toEqual([
      { eventId: "c1", profileId: "p-c1", resolvedProfileId: "p-c1", decision: "create", replay: false },
      { eventId: "c2", profileId: "p-c1", resolvedProfileId: "p-c1", decision: "link", replay: false },
      { eventId: "c3", profileId: "p-c3", resolvedProfileId: "p-c3", decision: "create", replay: false },
    ]);
    expect(result.created.map((c) => [c.profileId, c.firstSeenAt, c.mergedInto])).toEqual([
      ["p-c1", day(1), null],
      ["p-c3", day(3), null],
    ]);
    expect(result.attached.map((a) => [identifierKey(a.identifier), a.profileId, a.eventId])).toEqual([
      ["shopify:1", "p-c1", "c1"],
      ["email:a@x.com", "p-c1", "c1"],
      ["phone:+14155550001", "p-c1", "c2"],
      ["shopify:2", "p-c3", "c3"],
      ["email:b@x.com", "p-c3", "c3"],
    ]);
    expect(result.merges).toEqual([]);
    expect(result.candidates).toEqual([]);
  });

  it("keeps a second Shopify customer on a shared email apart, with one candidate", () => {
    const result = resolveIdentityBatch(
      [event("c1", 1, shopify("1"), email("home@x.com")), event("c2", 2, shopify("2"), email("home@x.com"))],
      [],
      byEvent,
    );
    expect(result.events.map((e) => [e.profileId, e.decision])).toEqual([
      ["p-c1", "create"],
      ["p-c2", "create"],
    ]);
    expect(result.attached.filter((a) => a.profileId === "p-c2").map((a) => identifierKey(a.identifier))).toEqual([
      "shopify:2",
    ]);
    expect(result.candidates).toMatchObject([{ profileId: "p-c2", otherProfileId: "p-c1", eventId: "c2" }]);
  });

  it("merges given profiles and profiles it created, pointing everything at the final survivor", () => {
    const older: OwnedProfile = { profileId: "old", createdAt: day(1), identifiers: [email("a@x.com")] };
    const result = resolveIdentityBatch(
      [event("e1", 5, phone("+14155550001"), device("d1")), event("e2", 6, device("d1"), email("a@x.com"))],
      [older],
      byEvent,
    );
    expect(result.events.map((e) => [e.eventId, e.profileId, e.resolvedProfileId, e.decision])).toEqual([
      ["e1", "old", "p-e1", "create"],
      ["e2", "old", "old", "merge"],
    ]);
    expect(result.created).toEqual([
      { profileId: "p-e1", createdAt: day(5), firstSeenAt: day(5), eventId: "e1", mergedInto: "old" },
    ]);
    expect(result.merges).toMatchObject([{ eventId: "e2", survivorId: "old", mergedIds: ["p-e1"] }]);
    expect([...result.survivorOf]).toEqual([["p-e1", "old"]]);
    expect(result.attached.map((a) => [a.profileId, a.resolvedProfileId])).toEqual([
      ["old", "p-e1"],
      ["old", "p-e1"],
    ]);
    expect(
      result.profiles.map(({ profileId, createdAt, identifiers }) => ({ profileId, createdAt, identifiers })),
    ).toEqual([
      { profileId: "old", createdAt: day(1), identifiers: [email("a@x.com"), phone("+14155550001"), device("d1")] },
    ]);
  });

  it("lets an injected clock decide which created profile is older", () => {
    const stamps = [day(9), day(8)];
    const result = resolveIdentityBatch(
      [
        event("e1", 1, email("a@x.com")),
        event("e2", 2, phone("+14155550001")),
        event("e3", 3, email("a@x.com"), phone("+14155550001")),
      ],
      [],
      { ...byEvent, createdAt: () => stamps.shift() ?? day(10) },
    );
    expect(result.merges).toMatchObject([{ survivorId: "p-e2", mergedIds: ["p-e1"] }]);
  });

  it("treats an event repeated inside the batch as a replay", () => {
    const result = resolveIdentityBatch(
      [event("e1", 1, email("a@x.com")), event("e1", 1, email("a@x.com"), phone("+14155550001"))],
      [],
      byEvent,
    );
    expect(result.events[1]).toEqual({
      eventId: "e1",
      profileId: "p-e1",
      resolvedProfileId: "p-e1",
      decision: "link",
      replay: true,
    });
    expect(result.attached).toHaveLength(1);
  });

  it("proposes each pair once, between the profiles as they finally are", () => {
    const result = resolveIdentityBatch(
      [
        event("e1", 1, shopify("1"), phone("+14155550001")),
        event("e2", 2, shopify("2"), phone("+14155550001")),
        event("e3", 3, shopify("2"), phone("+14155550001")),
      ],
      [],
      byEvent,
    );
    expect(result.candidates.map((c) => [c.profileId, c.otherProfileId])).toEqual([["p-e2", "p-e1"]]);
  });

  it("refuses a profile ID that is already taken", () => {
    const taken: OwnedProfile = { profileId: "p-e1", createdAt: day(1), identifiers: [email("b@x.com")] };
    expect(() => resolveIdentityBatch([event("e1", 1, email("a@x.com"))], [taken], byEvent)).toThrow(
      IdentityGraphError,
    );
  });
});

// ---- the batch equals folding applyEvent -------------------------------------------------------------

const conflicted = fc.oneof(
  fc.constantFrom("1", "2", "3").map(shopify),
  fc.constantFrom("a@x.com", "b@x.com", "c@x.com", "d@x.com").map(email),
  fc.constantFrom("+14155550001", "+14155550002", "+14155550003").map(phone),
  fc.constantFrom("m1").map((v): Identifier => ({ kind: "marketplace", value: v })),
  fc.constantFrom("d1", "d2", "d3").map(device),
);
const eventsArb = fc
  .array(fc.uniqueArray(conflicted, { selector: identifierKey, minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 25,
  })
  .map((sets) =>
    sets.map((identifiers, n): BatchIdentityEvent => ({ id: `e${n}`, identifiers, at: day(1 + (n % 20)) })),
  );
const limitsArb = fc.constantFrom<IdentityLimits>(
  limits,
  { maxShopifyIds: 1, maxEmails: 2, maxPhones: 1 },
  { maxShopifyIds: 1, maxEmails: 1, maxPhones: 1 },
);

function fold(events: readonly BatchIdentityEvent[], lim: IdentityLimits, graph: IdentityGraph = emptyIdentityGraph()) {
  const kinds: string[] = [];
  for (const e of events) {
    const step = applyEvent(graph, { eventId: e.id, identifiers: e.identifiers, at: e.at }, lim, `p-${e.id}`);
    graph = step.graph;
    kinds.push(step.decision.kind);
  }
  return { graph, kinds };
}

describe("resolveIdentityBatch properties", () => {
  it("ends with the partition, decisions and event profiles of folding applyEvent over the same events", () => {
    fc.assert(
      fc.property(eventsArb, limitsArb, (events, lim) => {
        const { graph, kinds } = fold(events, lim);
        const result = resolveIdentityBatch(events, [], { limits: lim, newProfileId: (e) => `p-${e.id}` });
        expect(partitionAfter([], result)).toEqual(identifierPartition(graph));
        expect(result.events.map((e) => e.decision)).toEqual(kinds);
        expect(result.events.map((e) => e.profileId)).toEqual(graph.events.map((e) => e.profileId));
        expect(result.merges.map((m) => [m.eventId, m.survivorId, m.mergedIds])).toEqual(
          graph.merges.map((m) => [m.eventId, m.survivorId, m.mergedIds]),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("continues from given owners exactly as the graph continues from its earlier events", () => {
    fc.assert(
      fc.property(eventsArb, fc.nat(), limitsArb, (events, cut, lim) => {
        const split = cut % (events.length + 1);
        const before = fold(events.slice(0, split), lim).graph;
        const { graph, kinds } = fold(events.slice(split), lim, before);
        const batchKeys = new Set(events.slice(split).flatMap((e) => e.identifiers.map(identifierKey)));
        const owners = Object.values(before.profiles).filter((p) =>
          p.identifiers.some((i) => batchKeys.has(identifierKey(i))),
        );
        const result = resolveIdentityBatch(events.slice(split), owners, {
          limits: lim,
          newProfileId: (e) => `p-${e.id}`,
        });
        const untouched = Object.values(before.profiles).filter((p) => !owners.includes(p));
        expect(partitionAfter([...untouched, ...owners], result)).toEqual(identifierPartition(graph));
        expect(result.events.map((e) => e.decision)).toEqual(kinds);
        // Every identifier that gained an owner is recorded once, on the profile that finally holds it.
        const holder = new Map(
          Object.values(graph.profiles).flatMap((p) =>
            p.identifiers.map((i) => [identifierKey(i), p.profileId] as const),
          ),
        );
        for (const a of result.attached) expect(holder.get(identifierKey(a.identifier))).toBe(a.profileId);
        expect(new Set(result.attached.map((a) => identifierKey(a.identifier))).size).toBe(result.attached.length);
      }),
      { numRuns: 500 },
    );
  });
});
