import { randomBytes } from "node:crypto";

/**
 * Profile IDs for a batch: UUIDv7 (time, then a counter, then randomness), so IDs made later sort later.
 * Profiles created in one batch share their creation time, and merge survivors fall back to the lower ID
 * on equal times: ordered IDs make that the profile created first, as the per-event path would pick.
 */
export function orderedProfileIds(now: Date): () => string {
  const time = now.getTime().toString(16).padStart(12, "0").slice(-12);
  // Tells apart batches started in the same millisecond.
  const salt = randomBytes(4).toString("hex").slice(0, 7);
  let counter = 0;
  return () => {
    const n = (counter++).toString(16).padStart(11, "0");
    // version 7, variant 10xx (fixed at 8 so the counter alone orders the IDs)
    return `${time.slice(0, 8)}-${time.slice(8)}-7${n.slice(0, 3)}-8${n.slice(3, 6)}-${n.slice(6)}${salt}`;
  };
}
