/**
 * Reading a webhook body. `JSON.parse` turns Shopify's 64-bit IDs (706405506930370084 in Shopify's own
 * samples) into the nearest double and silently changes their last digits, and PostgreSQL's jsonb
 * reader overflows its stack on bodies nested a few thousand deep. So one bounded pass over the text,
 * before anything parses it, refuses deep nesting and rewrites every integer a double cannot hold
 * exactly as a string of the same digits; the rewritten text is what is stored and later re-read.
 */

/** Shopify's payloads nest about six deep; anything past this is not a Shopify payload. */
export const MAX_WEBHOOK_JSON_DEPTH = 64;

export type WebhookJson =
  | { ok: true; value: unknown; text: string }
  | { ok: false; error: "too_deep" | "invalid_json"; message: string };

const isDigit = (c: number) => c >= 48 && c <= 57;
/** `.`, `e`, `E`, `+`, `-`: what may follow the integer part inside one number token. */
const isNumberContinuation = (c: number) => c === 46 || c === 101 || c === 69 || c === 43 || c === 45;

export function readWebhookJson(text: string, maxDepth = MAX_WEBHOOK_JSON_DEPTH): WebhookJson {
  let depth = 0;
  let out = "";
  let copiedUpTo = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i = endOfString(text, i);
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) {
        return { ok: false, error: "too_deep", message: `webhook body nests deeper than ${maxDepth} levels` };
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    } else if (c === 45 /* - */ || isDigit(c)) {
      let end = i + 1;
      while (end < text.length && isDigit(text.charCodeAt(end))) end++;
      const integer = text.slice(i, end);
      if (
        /^-?(0|[1-9]\d*)$/.test(integer) &&
        !isNumberContinuation(text.charCodeAt(end)) &&
        !Number.isSafeInteger(Number(integer))
      ) {
        out += `${text.slice(copiedUpTo, i)}"${integer}"`;
        copiedUpTo = end;
      }
      // Fractions and exponents stay numbers: skip the rest of the token.
      while (end < text.length && (isDigit(text.charCodeAt(end)) || isNumberContinuation(text.charCodeAt(end)))) end++;
      i = end - 1;
    }
  }
  const rewritten = copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
  try {
    return { ok: true, value: JSON.parse(rewritten), text: rewritten };
  } catch {
    return { ok: false, error: "invalid_json", message: "webhook body is not valid JSON" };
  }
}

/** Index of the closing quote of the string opening at `start` (or the text's end when unterminated). */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i;
  }
  return text.length;
}
