/**
 * Per-field last write wins: names, birthday, address and notes hold the value the customer (or the
 * shop) wrote last, by the time they acted, whatever order the writes reach the server in.
 */

/** A write acted at `actedAt` replaces a value stored at `storedAt` only when it is strictly later. */
export function laterWriteWins(actedAt: Date, storedAt: Date | null): boolean {
  return storedAt === null || actedAt.getTime() > storedAt.getTime();
}

export interface FieldWriteOutcome<F extends string> {
  field: F;
  /** `ignored`: the write was older than the stored value; `overwritten`: the stored value was replaced. */
  outcome: "ignored" | "overwritten";
  /** The value that lost, and when it was written (null when the stored value carries no write time). */
  value: string;
  valueAt: Date | null;
}

/**
 * Applies one write of several fields acted at `actedAt` to stored values and their write times: per field,
 * the later write wins; blank values are no write. Answers the new values and times (copies), whether
 * anything changed, and each value that lost, so the caller can keep the history of what a clerk typed.
 */
export function applyFieldWrites<F extends string>(
  stored: { values: Partial<Record<F, string | null>>; times: Record<string, string> },
  writes: Partial<Record<F, string | null | undefined>>,
  actedAt: Date,
): {
  values: Partial<Record<F, string | null>>;
  times: Record<string, string>;
  changed: boolean;
  lost: FieldWriteOutcome<F>[];
} {
  const values = { ...stored.values };
  const times = { ...stored.times };
  const lost: FieldWriteOutcome<F>[] = [];
  let changed = false;
  for (const [field, raw] of Object.entries(writes) as [F, string | null | undefined][]) {
    if (typeof raw !== "string" || raw.trim() === "") continue;
    const value = raw.trim();
    const previous = values[field] ?? null;
    const previousAt = times[field] ? new Date(times[field]) : null;
    if (!laterWriteWins(actedAt, previousAt)) {
      if (previous !== value) lost.push({ field, outcome: "ignored", value, valueAt: actedAt });
      continue;
    }
    if (previous != null && previous !== value)
      lost.push({ field, outcome: "overwritten", value: previous, valueAt: previousAt });
    values[field] = value;
    times[field] = actedAt.toISOString();
    changed = true;
  }
  return { values, times, changed, lost };
}

/** The profile fields a merge fills in on the survivor (from the merged profile when the survivor had none). */
export const MERGED_FIELDS = [
  "first_name",
  "last_name",
  "birthday",
  "postcode",
  "address1",
  "time_zone",
  "note",
] as const;
/** The address details duplicate detection compares: filled and restored like the fields above. */
export const ADDRESS_DETAIL_FIELDS = ["address2", "city"] as const;
export type MergedField = (typeof MERGED_FIELDS)[number] | (typeof ADDRESS_DETAIL_FIELDS)[number];
type FieldValues = Partial<Record<MergedField, string | null>>;

export interface UndoFieldsInput {
  /** The survivor and the merged profile as the merge found them (its snapshot). */
  survivorBefore: FieldValues;
  mergedBefore: FieldValues;
  survivorBeforeTimes: Record<string, string>;
  /** The survivor now, with the per-field write times it holds. */
  current: FieldValues;
  currentTimes: Record<string, string>;
  mergedAt: Date;
}

/**
 * The survivor's fields after a merge is undone. Restoring the snapshot is a write of what the survivor
 * held at merge time; a field written since the merge is a later write and wins (last write wins). A field
 * was written since when it has a write time after the merge (a tablet edit, even of the same value) or
 * no longer holds what the merge left (Shopify's customer record, which carries no write time).
 */
export function survivorFieldsAfterUndo(
  input: UndoFieldsInput,
  fields: readonly MergedField[] = MERGED_FIELDS,
): {
  values: Partial<Record<MergedField, string | null>>;
  times: Record<string, string>;
} {
  const values: Partial<Record<MergedField, string | null>> = {};
  const times: Record<string, string> = { ...input.currentTimes };
  for (const field of fields) {
    const leftByMerge = input.survivorBefore[field] ?? input.mergedBefore[field] ?? null;
    const now = input.current[field] ?? null;
    const writtenAt = input.currentTimes[field] ? new Date(input.currentTimes[field]) : null;
    const writtenSince = now !== leftByMerge || (writtenAt !== null && writtenAt.getTime() > input.mergedAt.getTime());
    if (writtenSince) {
      values[field] = now;
      continue;
    }
    values[field] = input.survivorBefore[field] ?? null;
    const before = input.survivorBeforeTimes[field];
    if (before) times[field] = before;
    else delete times[field];
  }
  return { values, times };
}
