import { describe, expect, it } from "vitest";
import { applyFieldWrites, laterWriteWins, survivorFieldsAfterUndo } from "./field-writes";

const mergedAt = new Date("2026-11-20T12:00:00Z");

describe("laterWriteWins", () => {
  it("replaces only with a strictly later write", () => {
    expect(laterWriteWins(new Date("2026-11-21T00:00:00Z"), null)).toBe(true);
    expect(laterWriteWins(new Date("2026-11-21T00:00:00Z"), new Date("2026-11-20T00:00:00Z"))).toBe(true);
    expect(laterWriteWins(new Date("2026-11-20T00:00:00Z"), new Date("2026-11-20T00:00:00Z"))).toBe(false);
    expect(laterWriteWins(new Date("2026-11-19T00:00:00Z"), new Date("2026-11-20T00:00:00Z"))).toBe(false);
  });
});

describe("survivorFieldsAfterUndo", () => {
  const base = {
    survivorBefore: { first_name: "Sarah", last_name: null, note: null, address1: "1 Elm St" },
    mergedBefore: { first_name: "Sally", last_name: "Miller", note: "likes linen", postcode: "94110" },
    survivorBeforeTimes: { first_name: "2026-11-01T00:00:00.000Z" },
    mergedAt,
  };

  it("gives the survivor back what it held when nothing was written since the merge", () => {
    const { values, times } = survivorFieldsAfterUndo({
      ...base,
      current: {
        first_name: "Sarah",
        last_name: "Miller",
        note: "likes linen",
        postcode: "94110",
        address1: "1 Elm St",
      },
      currentTimes: { first_name: "2026-11-01T00:00:00.000Z" },
    });
    expect(values).toEqual({
      first_name: "Sarah",
      last_name: null,
      birthday: null,
      postcode: null,
      address1: "1 Elm St",
      time_zone: null,
      note: null,
    });
    expect(times).toEqual({ first_name: "2026-11-01T00:00:00.000Z" });
  });

  it("keeps a surname and address Shopify changed after the merge, and a later tablet note", () => {
    const { values, times } = survivorFieldsAfterUndo({
      ...base,
      current: {
        first_name: "Sarah",
        last_name: "Miller-Jones",
        note: "size M now",
        postcode: "94110",
        address1: "9 Oak Ave",
      },
      currentTimes: { first_name: "2026-11-01T00:00:00.000Z", note: "2026-11-22T09:00:00.000Z" },
    });
    expect(values).toMatchObject({
      last_name: "Miller-Jones",
      address1: "9 Oak Ave",
      note: "size M now",
      postcode: null,
    });
    expect(times).toEqual({ first_name: "2026-11-01T00:00:00.000Z", note: "2026-11-22T09:00:00.000Z" });
  });

  it("keeps a value written again after the merge even when it equals what the merge left", () => {
    const { values } = survivorFieldsAfterUndo({
      ...base,
      current: { first_name: "Sarah", last_name: "Miller", note: "likes linen" },
      currentTimes: { note: "2026-11-23T00:00:00.000Z" },
    });
    expect(values.note).toBe("likes linen");
    expect(values.last_name).toBeNull();
  });
});

describe("applyFieldWrites", () => {
  const at = (iso: string) => new Date(iso);
  const stored = {
    values: { firstName: "Sarah", lastName: null as string | null },
    times: { firstName: "2026-11-10T10:00:00.000Z" },
  };

  it("takes a later write, ignores an older one and keeps what lost", () => {
    const later = applyFieldWrites(stored, { firstName: " Sara ", lastName: "Larsen" }, at("2026-11-11T10:00:00Z"));
    expect(later.values).toEqual({ firstName: "Sara", lastName: "Larsen" });
    expect(later.times).toEqual({ firstName: "2026-11-11T10:00:00.000Z", lastName: "2026-11-11T10:00:00.000Z" });
    expect(later.lost).toEqual([
      { field: "firstName", outcome: "overwritten", value: "Sarah", valueAt: at("2026-11-10T10:00:00Z") },
    ]);

    const older = applyFieldWrites(stored, { firstName: "Sally" }, at("2026-11-09T10:00:00Z"));
    expect(older).toMatchObject({ changed: false, values: stored.values });
    expect(older.lost).toEqual([
      { field: "firstName", outcome: "ignored", value: "Sally", valueAt: at("2026-11-09T10:00:00Z") },
    ]);
  });

  it("treats a blank value as no write and leaves the stored object untouched", () => {
    const result = applyFieldWrites(stored, { firstName: "  ", lastName: undefined }, at("2026-12-01T00:00:00Z"));
    expect(result).toMatchObject({ changed: false, lost: [] });
    expect(stored.values.firstName).toBe("Sarah");
  });
});
