/**
 * Text PostgreSQL cannot store: the NUL character (text and jsonb refuse it, SQLSTATE 22P05) and UTF-16
 * halves without their partner (a lone surrogate has no UTF-8 form). One such character must cost the
 * one field it is in, never a whole push or a whole webhook delivery.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point (PostgreSQL cannot store it)
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, "g");

export const UNSTORABLE_TEXT_MESSAGE =
  "contains a NUL character or a broken character that cannot be stored; remove it";

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** The text without NUL characters, a lone surrogate replaced by U+FFFD as a UTF-8 decoder would. */
export function storableText(text: string): string {
  return isStorableText(text) ? text : text.replace(UNSTORABLE_ALL, (c) => (c === "\u0000" ? "" : "\ufffd"));
}

/** A parsed JSON value with {@link storableText} applied to every string, keys included. */
export function storableJson(value: unknown): unknown {
  if (typeof value === "string") return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[storableText(key)] = storableJson(inner);
    return out;
  }
  return value;
}

// A JSON escape PostgreSQL refuses in jsonb: \u0000, or any surrogate escape (checked precisely after parsing).
const SUSPECT_JSON_ESCAPE = /\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/;

/**
 * A parsed JSON document PostgreSQL will read into jsonb: its own text when it is (nearly always), else
 * the value without what cannot be stored, re-serialised.
 */
export function storableJsonDocument(text: string, parsed: unknown): { text: string; value: unknown } {
  if (!SUSPECT_JSON_ESCAPE.test(text)) return { text, value: parsed };
  const value = storableJson(parsed);
  const cleaned = JSON.stringify(value);
  return cleaned === JSON.stringify(parsed) ? { text, value: parsed } : { text: cleaned, value };
}
