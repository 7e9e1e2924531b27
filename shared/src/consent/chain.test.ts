import { describe, expect, it } from "vitest";
import {
  GENESIS_HASH,
  consentRowContent,
  consentRowHash,
  verifyChain,
  type ConsentLedgerRow,
  type StoredLedgerRow,
} from "./chain";

const row = (over: Partial<ConsentLedgerRow> = {}): ConsentLedgerRow => ({
  id: "c1",
  profileId: "p1",
  channel: "sms",
  action: "granted",
  textVersion: 1,
  text: "Yes, text me offers.",
  actedAt: new Date("2026-03-01T10:00:00Z"),
  receivedAt: new Date("2026-03-01T10:00:02Z"),
  clamped: false,
  source: "pos",
  locationId: "loc-1",
  deviceId: null,
  staffId: "staff-9",
  jurisdiction: "EU",
  ...over,
});

function chainOf(rows: ConsentLedgerRow[]): (ConsentLedgerRow & { hash: string })[] {
  let prev: string | null = null;
  return rows.map((r) => {
    const hash = consentRowHash(prev, r);
    prev = hash;
    return { ...r, hash };
  });
}

const ledger = () =>
  chainOf([
    row({ id: "c1" }),
    row({ id: "c2", channel: "email", receivedAt: new Date("2026-03-02T10:00:00Z") }),
    row({ id: "c3", channel: "all", action: "revoked", text: null, textVersion: null, source: "online" }),
  ]);

describe("consentRowContent", () => {
  it("is canonical JSON with keys in alphabetical order and ISO dates", () => {
    expect(consentRowContent(row())).toBe(
      '{"actedAt":"2026-03-01T10:00:00.000Z","action":"granted","channel":"sms","clamped":false,"deviceId":null,' +
        '"id":"c1","jurisdiction":"EU","locationId":"loc-1","profileId":"p1","receivedAt":"2026-03-01T10:00:02.000Z",' +
        '"source":"pos","staffId":"staff-9","text":"Yes, text me offers.","textVersion":1}',
    );
  });

  it("does not depend on the property order of the object, and ignores extra properties", () => {
    const r = row();
    const reversed = Object.fromEntries(Object.entries(r).reverse()) as unknown as ConsentLedgerRow;
    expect(consentRowContent(reversed)).toBe(consentRowContent(r));
    expect(consentRowContent({ ...r, hash: "x" } as ConsentLedgerRow)).toBe(consentRowContent(r));
  });

  it("changes when any stored field changes", () => {
    const base = consentRowContent(row());
    const edits: Partial<ConsentLedgerRow>[] = [
      { id: "c2" },
      { profileId: "p2" },
      { channel: "email" },
      { action: "revoked" },
      { textVersion: 2 },
      { text: "Yes, text me offers!" },
      { actedAt: new Date("2026-03-01T10:00:01Z") },
      { receivedAt: new Date("2026-03-01T10:00:03Z") },
      { clamped: true },
      { source: "companion" },
      { locationId: null },
      { deviceId: "tab-1" },
      { staffId: null },
      { jurisdiction: "US-CA" },
    ];
    expect(edits).toHaveLength(14);
    for (const edit of edits) expect(consentRowContent(row(edit))).not.toBe(base);
  });

  it("refuses a row with a missing field instead of hashing something else", () => {
    const { jurisdiction: _omitted, ...partial } = row();
    expect(() => consentRowContent(partial as ConsentLedgerRow)).toThrow(/jurisdiction/);
  });
});

describe("consentRowHash", () => {
  it("is sha256 hex over prev + newline + content, with 64 zeros before the first row", () => {
    const hash = consentRowHash(null, row());
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(consentRowHash(GENESIS_HASH, row())).toBe(hash);
    expect(consentRowHash("a".repeat(64), row())).not.toBe(hash);
  });

  it("matches a known digest (guards the format other implementations rebuild)", async () => {
    const { createHash } = await import("node:crypto");
    const expected = createHash("sha256")
      .update(`${GENESIS_HASH}\n${consentRowContent(row())}`, "utf8")
      .digest("hex");
    expect(consentRowHash(null, row())).toBe(expected);
  });
});

describe("verifyChain", () => {
  it("accepts an untouched chain and an empty one", () => {
    expect(verifyChain(ledger())).toMatchObject({ intact: true, checked: 3 });
    expect(verifyChain([])).toMatchObject({ intact: true, checked: 0 });
  });

  it("finds an edited row", () => {
    const rows = ledger();
    rows[1] = { ...rows[1]!, action: "revoked" };
    const result = verifyChain(rows);
    expect(result).toMatchObject({ intact: false, checked: 1, brokenAt: { index: 1, id: "c2" } });
    expect(result.intact === false && result.brokenAt.reason).toMatch(/altered/);
  });

  it("finds an edited row whose hash was recomputed, at the row after it", () => {
    const rows = ledger();
    const edited = { ...rows[1]!, text: "something else" };
    rows[1] = { ...edited, hash: consentRowHash(rows[0]!.hash, edited) };
    expect(verifyChain(rows)).toMatchObject({ intact: false, checked: 2, brokenAt: { index: 2, id: "c3" } });
  });

  it("finds a removed row and reordered rows", () => {
    const rows = ledger();
    expect(verifyChain([rows[0]!, rows[2]!])).toMatchObject({ intact: false, brokenAt: { index: 1, id: "c3" } });
    expect(verifyChain([rows[1]!, rows[0]!, rows[2]!])).toMatchObject({
      intact: false,
      brokenAt: { index: 0, id: "c2" },
    });
  });

  it("reports a row that cannot be hashed rather than throwing", () => {
    const rows = ledger();
    rows[0] = { ...rows[0]!, actedAt: new Date("nope") };
    const result = verifyChain(rows);
    expect(result).toMatchObject({ intact: false, checked: 0, brokenAt: { index: 0, id: "c1" } });
    expect(result.intact === false && result.brokenAt.reason).toMatch(/invalid date in "actedAt"/);
  });

  it("checks an erased stub by its link only, and counts it", () => {
    const rows: StoredLedgerRow[] = ledger().map((r, i, all) => ({
      ...r,
      seq: i + 1,
      prevHash: i === 0 ? null : all[i - 1]!.hash,
    }));
    rows[1] = { ...rows[1]!, text: null, staffId: null, erased: true };
    expect(verifyChain(rows)).toMatchObject({ intact: true, checked: 3, stubs: 1, headHash: rows[2]!.hash });
    rows[1] = { ...rows[1]!, prevHash: "f".repeat(64) };
    expect(verifyChain(rows)).toMatchObject({
      intact: false,
      brokenAt: { index: 1, seq: 2, reason: expect.stringMatching(/prev_hash/) },
    });
  });

  it("finds a gap in seq and rows cut off the end against the shop's head", () => {
    const rows = ledger().map((r, i) => ({ ...r, seq: i + 1 }));
    expect(verifyChain([rows[0]!, { ...rows[1]!, seq: 3 }])).toMatchObject({
      intact: false,
      brokenAt: { index: 1, seq: 3 },
    });
    const head = { seq: 3, hash: rows[2]!.hash };
    expect(verifyChain(rows, head)).toMatchObject({ intact: true, checked: 3 });
    expect(verifyChain(rows.slice(0, 2), head)).toMatchObject({
      intact: false,
      checked: 2,
      brokenAt: { index: 2, id: "" },
    });
  });
});
