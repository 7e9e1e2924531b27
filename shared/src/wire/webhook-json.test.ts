import { describe, expect, it } from "vitest";
import { MAX_WEBHOOK_JSON_DEPTH, readWebhookJson } from "./webhook-json";

describe("readWebhookJson", () => {
  it("keeps every digit of Shopify's 64-bit IDs by reading them as strings", () => {
    const read = readWebhookJson('{"id":706405506930370084,"default_address":{"customer_id":706405506930370084,"id":12321}}');
    expect(read).toMatchObject({ ok: true, value: { id: "706405506930370084", default_address: { customer_id: "706405506930370084", id: 12321 } } });
  });

  it("leaves safe integers, fractions, exponents and digits inside strings alone", () => {
    const text = '{"a":9007199254740991,"b":-12.5,"c":1.12345678901234567890,"d":2e30,"e":"99999999999999999999","f":[0,-7]}';
    const read = readWebhookJson(text);
    expect(read).toEqual({ ok: true, text, value: JSON.parse(text) });
  });

  it("reads big negative integers and integers next to escaped quotes in strings", () => {
    const read = readWebhookJson('{"note":"say \\"12\\"","n":-9007199254740993}');
    expect(read).toMatchObject({ ok: true, value: { note: 'say "12"', n: "-9007199254740993" } });
  });

  it("refuses nesting deeper than the limit before parsing anything", () => {
    const deep = "[".repeat(20_000) + "]".repeat(20_000);
    expect(readWebhookJson(deep)).toMatchObject({ ok: false, error: "too_deep" });
    const atLimit = "[".repeat(MAX_WEBHOOK_JSON_DEPTH) + "]".repeat(MAX_WEBHOOK_JSON_DEPTH);
    expect(readWebhookJson(atLimit).ok).toBe(true);
    const deepInString = JSON.stringify({ note: "[".repeat(20_000) });
    expect(readWebhookJson(deepInString).ok).toBe(true);
  });

  it("does not turn invalid JSON into valid JSON", () => {
    for (const bad of ["{not json", "[-]", "[012345678901234567890]", '{"a":1', ""]) {
      expect(readWebhookJson(bad)).toMatchObject({ ok: false, error: "invalid_json" });
    }
  });
});
