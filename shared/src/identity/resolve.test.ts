import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { identifierKey, type Identifier } from "./normalize";
import { limitBreaches, resolveIdentity, type OwnedProfile } from "./resolve";

const limits = { maxShopifyIds: 1, maxEmails: 5, maxPhones: 3 };
const shopify = (value: string): Identifier => ({ kind: "shopify", value });
const email = (value: string): Identifier => ({ kind: "email", value });
const phone = (value: string): Identifier => ({ kind: "phone", value });
const device = (value: string): Identifier => ({ kind: "device", value });
const profile = (profileId: string, day: number, identifiers: Identifier[]): OwnedProfile => ({
  profileId,
  createdAt: new Date(Date.UTC(2026, 2, day)),
  identifiers,
});

describe("resolveIdentity", () => {
  it("creates a profile for identifiers nobody owns", () => {
    const decision = resolveIdentity({ seen: [device("d-1"), email("sarah@work.com")], owners: [], limits });
    expect(decision).toEqual({
      kind: "create",
      attach: [email("sarah@work.com"), device("d-1")],
      candidates: [],
      reason: "New customer first seen with sarah@work.com and device d-1.",
    });
  });

  it("links to the owner and attaches what is new", () => {
    const sarah = profile("p-sarah", 1, [device("d-1"), email("sarah@work.com")]);
    const decision = resolveIdentity({ seen: [email("sarah@work.com"), device("d-2")], owners: [sarah], limits });
    expect(decision).toEqual({
      kind: "link",
      profileId: "p-sarah",
      attach: [device("d-2")],
      reason: "Linked by sarah@work.com, adding device d-2.",
    });
  });

  it("merges profiles one event ties together into the oldest", () => {
    const older = profile("p-b", 1, [email("sarah@home.com")]);
    const newer = profile("p-a", 3, [phone("+14155552671")]);
    const decision = resolveIdentity({
      seen: [phone("+14155552671"), email("sarah@home.com"), device("d-9")],
      owners: [newer, older],
      limits,
    });
    expect(decision).toMatchObject({
      kind: "merge",
      survivorId: "p-b",
      mergedIds: ["p-a"],
      attach: [device("d-9")],
      evidence: [email("sarah@home.com"), phone("+14155552671")],
      candidates: [],
    });
    expect(decision.reason).toBe(
      "Merged 2 profiles because sarah@home.com and phone +14155552671 were seen together in one event, adding " +
        "device d-9.",
    );
  });

  it("picks the smallest profile ID as survivor when both are equally old", () => {
    const decision = resolveIdentity({
      seen: [email("a@x.com"), email("b@x.com")],
      owners: [profile("p-2", 1, [email("b@x.com")]), profile("p-1", 1, [email("a@x.com")])],
      limits,
    });
    expect(decision).toMatchObject({ kind: "merge", survivorId: "p-1", mergedIds: ["p-2"] });
  });

  describe("household phone", () => {
    const household = "+14155552671";
    const dad = profile("p-dad", 1, [shopify("123"), email("dad@home.com"), phone(household)]);

    it("keeps a second Shopify customer apart and proposes a candidate", () => {
      const decision = resolveIdentity({
        seen: [shopify("456"), email("mum@home.com"), phone(household)],
        owners: [dad],
        limits,
      });
      expect(decision.kind).toBe("create");
      if (decision.kind !== "create") return;
      expect(decision.attach).toEqual([shopify("456"), email("mum@home.com")]);
      expect(decision.candidates).toEqual([
        {
          otherProfileId: "p-dad",
          evidence: [shopify("456"), email("mum@home.com"), phone(household)],
          reason:
            "Not merged: both have a Shopify customer ID (456, 123); phone +14155552671 was seen in the same event " +
            "as Shopify customer 456 and mum@home.com.",
        },
      ]);
    });

    it("never merges two existing Shopify customers who share it", () => {
      const mum = profile("p-mum", 2, [shopify("456"), email("mum@home.com")]);
      const decision = resolveIdentity({ seen: [shopify("456"), phone(household)], owners: [dad, mum], limits });
      expect(decision).toMatchObject({
        kind: "candidate",
        profileId: "p-mum",
        attach: [],
        candidates: [{ profileId: "p-mum", otherProfileId: "p-dad", evidence: [shopify("456"), phone(household)] }],
      });
      expect(decision.reason).toContain("a possible duplicate was left for a person to decide");
      if (decision.kind === "candidate")
        expect(decision.candidates[0]!.reason).toContain("both have a Shopify customer ID (456, 123)");
    });
  });

  describe("shared device", () => {
    it("does not join two customers who each have an email, and proposes nothing", () => {
      const mum = profile("p-mum", 1, [email("mum@home.com"), device("family-pc")]);
      const kid = profile("p-kid", 2, [email("kid@school.edu")]);
      const decision = resolveIdentity({
        seen: [device("family-pc"), email("kid@school.edu")],
        owners: [mum, kid],
        limits,
      });
      expect(decision).toEqual({
        kind: "link",
        profileId: "p-kid",
        attach: [],
        reason:
          "Linked by kid@school.edu; device family-pc also belongs to another customer with their own email or " +
          "Shopify ID (a shared device), so they were not joined.",
      });
    });

    it("still joins an anonymous browsing profile to the customer who signs in on it", () => {
      const anonymous = profile("p-anon", 1, [device("d-1")]);
      const sarah = profile("p-sarah", 2, [email("sarah@work.com")]);
      const decision = resolveIdentity({
        seen: [device("d-1"), email("sarah@work.com")],
        owners: [anonymous, sarah],
        limits,
      });
      expect(decision).toMatchObject({ kind: "merge", survivorId: "p-anon", mergedIds: ["p-sarah"] });
    });
  });

  describe("limits", () => {
    const fiveEmails = [1, 2, 3, 4, 5].map((n) => email(`s${n}@x.com`));

    it("turns a merge that would make 6 emails into a candidate", () => {
      const a = profile("p-a", 1, fiveEmails);
      const b = profile("p-b", 2, [email("s6@x.com")]);
      const decision = resolveIdentity({ seen: [email("s1@x.com"), email("s6@x.com")], owners: [a, b], limits });
      expect(decision).toMatchObject({ kind: "candidate", profileId: "p-a", attach: [] });
      if (decision.kind !== "candidate") return;
      expect(decision.candidates[0]!.reason).toBe(
        "Not merged: together they would have 6 emails, more than the limit of 5; s6@x.com was seen in the same " +
          "event as s1@x.com.",
      );
    });

    it("does not attach a 6th email and says why", () => {
      const a = profile("p-a", 1, fiveEmails);
      const decision = resolveIdentity({
        seen: [email("s1@x.com"), email("s6@x.com"), device("d")],
        owners: [a],
        limits,
      });
      expect(decision).toEqual({
        kind: "link",
        profileId: "p-a",
        attach: [device("d")],
        reason:
          "Linked by s1@x.com, adding device d; s6@x.com was not added because the profile already has 5 emails, " +
          "the most allowed.",
      });
    });

    it("merges some owners and proposes the one that would break a limit", () => {
      const a = profile("p-a", 1, [shopify("1"), email("a@x.com")]);
      const b = profile("p-b", 2, [email("b@x.com")]);
      const c = profile("p-c", 3, [shopify("2"), phone("+14155552671")]);
      const decision = resolveIdentity({
        seen: [email("a@x.com"), email("b@x.com"), phone("+14155552671")],
        owners: [c, b, a],
        limits,
      });
      expect(decision).toMatchObject({
        kind: "merge",
        survivorId: "p-a",
        mergedIds: ["p-b"],
        candidates: [{ profileId: "p-a", otherProfileId: "p-c" }],
      });
    });

    it("describes every broken limit", () => {
      expect(
        limitBreaches([shopify("1"), shopify("2"), ...[1, 2, 3, 4].map((n) => phone(`+1415555000${n}`))], limits),
      ).toEqual([
        "both have a Shopify customer ID (1, 2)",
        "together they would have 4 phones, more than the limit of 3",
      ]);
    });
  });
});

// Small pools make collisions (shared identifiers, full profiles) common.
const identifierArb = fc.oneof(
  fc.constantFrom("1", "2", "3").map(shopify),
  fc.constantFrom("a@x.com", "b@x.com", "c@x.com", "d@x.com").map(email),
  fc.constantFrom("+14155550001", "+14155550002", "+14155550003").map(phone),
  fc.constantFrom("d1", "d2", "d3").map(device),
);
const smallLimits = { maxShopifyIds: 1, maxEmails: 2, maxPhones: 1 };

/** Profiles that each respect the limits and never share an identifier. */
const ownersArb = fc
  .array(fc.uniqueArray(identifierArb, { selector: identifierKey, minLength: 1, maxLength: 4 }), { maxLength: 4 })
  .map((sets) => {
    const taken = new Set<string>();
    return sets
      .map((set, n) => {
        const own = set.filter((i) => !taken.has(identifierKey(i)) && taken.add(identifierKey(i)));
        const kept = own.filter((_i, k) => limitBreaches(own.slice(0, k + 1), smallLimits).length === 0);
        return profile(`p-${n}`, n % 2, kept);
      })
      .filter((p) => p.identifiers.length > 0);
  });

describe("resolveIdentity properties", () => {
  it("attaches only unowned seen identifiers and keeps the target within limits", () => {
    fc.assert(
      fc.property(ownersArb, fc.array(identifierArb, { maxLength: 6 }), (owners, seen) => {
        const decision = resolveIdentity({ seen, owners, limits: smallLimits });
        const owned = new Set(owners.flatMap((p) => p.identifiers.map(identifierKey)));
        const seenKeys = new Set(seen.map(identifierKey));
        for (const i of decision.attach) {
          expect(owned.has(identifierKey(i))).toBe(false);
          expect(seenKeys.has(identifierKey(i))).toBe(true);
        }
        const byId = new Map(owners.map((p) => [p.profileId, p]));
        const joined =
          decision.kind === "merge"
            ? [decision.survivorId, ...decision.mergedIds]
            : decision.kind === "create"
              ? []
              : [decision.profileId];
        const result = [...joined.flatMap((id) => byId.get(id)!.identifiers), ...decision.attach];
        expect(limitBreaches(result, smallLimits)).toEqual([]);
        if (decision.kind === "merge") {
          const survivor = byId.get(decision.survivorId)!;
          for (const id of decision.mergedIds) expect(byId.get(id)!.createdAt >= survivor.createdAt).toBe(true);
        }
      }),
    );
  });

  it("does not depend on the order owners are listed in", () => {
    fc.assert(
      fc.property(ownersArb, fc.array(identifierArb, { maxLength: 6 }), (owners, seen) => {
        const forward = resolveIdentity({ seen, owners, limits: smallLimits });
        const backward = resolveIdentity({ seen, owners: [...owners].reverse(), limits: smallLimits });
        expect(backward).toEqual(forward);
      }),
    );
  });

  it("never proposes a candidate between profiles it merges", () => {
    fc.assert(
      fc.property(ownersArb, fc.array(identifierArb, { maxLength: 6 }), (owners, seen) => {
        const decision = resolveIdentity({ seen, owners, limits: smallLimits });
        if (decision.kind !== "merge") return;
        const joined = new Set([decision.survivorId, ...decision.mergedIds]);
        for (const c of decision.candidates) expect(joined.has(c.otherProfileId)).toBe(false);
      }),
    );
  });
});
