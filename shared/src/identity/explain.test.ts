import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { explainIdentity, type IdentityLinkFact } from "./explain";

const at = (iso: string) => new Date(iso);

describe("explainIdentity", () => {
  const links: IdentityLinkFact[] = [
    {
      identifier: { kind: "device", value: "d-1" },
      source: "identify",
      eventId: "ev-1",
      linkedAt: at("2026-03-02T10:00:00Z"),
    },
    {
      identifier: { kind: "email", value: "sarah@work.com" },
      source: "identify",
      eventId: "ev-1",
      linkedAt: at("2026-03-02T10:00:00Z"),
    },
    {
      identifier: { kind: "phone", value: "+14155552671" },
      source: "a companion sign-up",
      eventId: "ev-3",
      linkedAt: at("2026-03-06T09:00:00Z"),
    },
    {
      identifier: { kind: "device", value: "d-0" },
      source: "a web visit",
      eventId: null,
      linkedAt: at("2026-03-01T08:00:00Z"),
    },
  ];

  it("tells the Sarah story, one sentence per fact, oldest first", () => {
    expect(
      explainIdentity(links, [
        {
          at: at("2026-03-05T12:00:00Z"),
          evidence: [
            { kind: "phone", value: "+14155552671" },
            { kind: "email", value: "sarah@home.com" },
          ],
          reason: "",
          auto: true,
        },
        { at: at("2026-03-07T12:00:00Z"), evidence: [], reason: "Same person, confirmed at the till.", auto: false },
      ]),
    ).toEqual([
      "device d-0 was seen in a web visit on 2026-03-01.",
      "sarah@work.com was seen with device d-1 in identify on 2026-03-02.",
      "Merged automatically on 2026-03-05 because sarah@home.com and phone +14155552671 were seen together.",
      "phone +14155552671 was seen in a companion sign-up on 2026-03-06.",
      "Merged by a person on 2026-03-07: Same person, confirmed at the till.",
    ]);
  });

  it("writes dates in the shop's time zone", () => {
    const late = [
      {
        identifier: { kind: "email" as const, value: "a@x.com" },
        source: "an order",
        linkedAt: at("2026-03-02T03:00:00Z"),
      },
    ];
    expect(explainIdentity(late, [], { timeZone: "America/Los_Angeles" })).toEqual([
      "a@x.com was seen in an order on 2026-03-01.",
    ]);
  });

  it("gives one sentence per event and per merge, whatever the input order", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(links, { minLength: links.length, maxLength: links.length }), (shuffled) => {
        expect(explainIdentity(shuffled, [])).toEqual(explainIdentity(links, []));
        expect(explainIdentity(shuffled, [])).toHaveLength(3);
      }),
    );
  });
});
