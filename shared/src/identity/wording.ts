import type { Identifier } from "./normalize";

/** How an identifier reads in a sentence for a merchant: an email needs no label, a bare number does. */
export function describeIdentifier(i: Identifier): string {
  switch (i.kind) {
    case "shopify":
      return `Shopify customer ${i.value}`;
    case "email":
      return i.value;
    case "marketplace":
      return `marketplace ID ${i.value}`;
    case "phone":
      return `phone ${i.value}`;
    case "device":
      return `device ${i.value}`;
  }
}

/** "a", "a and b", "a, b and c". */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export const describeIdentifiers = (identifiers: readonly Identifier[]): string =>
  listInWords(identifiers.map(describeIdentifier));
