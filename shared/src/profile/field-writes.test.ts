import { describe, expect, it } from "vitest";
import { laterWriteWins, survivorFieldsAfterUndo } from "./field-writes";

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
      current: { first_name: "Sarah", last_name: "Miller", note: "likes linen", postcode: "94110", address1: "1 Elm St" },
      currentTimes: { first_name: "2026-11-01T00:00:00.000Z" },
    });
    expect(values).toEqual({ first_name: "Sarah", last_name: null, birthday: null, postcode: null, address1: "1 Elm St", time_zone: null, note: null });
    expect(times).toEqual({ first_name: "2026-11-01T00:00:00.000Z" });
  });

  it("keeps a surname and address Shopify changed after the merge, and a later tablet note", () => {
    const { values, times } = survivorFieldsAfterUndo({
      ...base,
      current: { first_name: "Sarah", last_name: "Miller-Jones", note: "size M now", postcode: "94110", address1: "9 Oak Ave" },
      currentTimes: { first_name: "2026-11-01T00:00:00.000Z", note: "2026-11-22T09:00:00.000Z" },
    });
    expect(values).toMatchObject({ last_name: "Miller-Jones", address1: "9 Oak Ave", note: "size M now", postcode: null });
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
