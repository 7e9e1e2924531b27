/**
 * A store location as staff read it: its name when the shop's locations are known, else something a person
 * can tell apart ("Location 1001"), never a raw `gid://shopify/Location/1001`. IDs that are not Shopify GIDs
 * (a pairing code made for "Market stall") are the merchant's own words and shown as they are.
 */
export function locationLabel(id: string | null | undefined, name?: string | null): string | null {
  if (name?.trim()) return name.trim();
  if (!id) return null;
  const gid = /^gid:\/\/shopify\/Location\/(\d+)$/.exec(id);
  if (gid) return `Location ${gid[1]}`;
  return /^\d+$/.test(id) ? `Location ${id}` : id;
}
