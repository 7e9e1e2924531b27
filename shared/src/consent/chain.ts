import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Channel } from "../settings";
import type { ConsentAction, ConsentSource } from "./ledger";

/** A consent ledger row exactly as stored; every field is covered by the row hash. */
export interface ConsentLedgerRow {
  id: string;
  profileId: string;
  channel: Channel | "all";
  action: ConsentAction;
  textVersion: number | null;
  text: string | null;
  actedAt: Date;
  receivedAt: Date;
  clamped: boolean;
  source: ConsentSource;
  locationId: string | null;
  deviceId: string | null;
  staffId: string | null;
  jurisdiction: string | null;
}

export const GENESIS_HASH = "0".repeat(64);

// Typed as a Record so adding a field to ConsentLedgerRow fails to compile until it is hashed too.
const HASHED_FIELDS: Record<keyof ConsentLedgerRow, true> = {
  id: true,
  profileId: true,
  channel: true,
  action: true,
  textVersion: true,
  text: true,
  actedAt: true,
  receivedAt: true,
  clamped: true,
  source: true,
  locationId: true,
  deviceId: true,
  staffId: true,
  jurisdiction: true,
};
// Alphabetical, so another implementation (a SQL audit, a script) can rebuild the same string.
const FIELD_ORDER = (Object.keys(HASHED_FIELDS) as (keyof ConsentLedgerRow)[]).sort();

/**
 * Canonical JSON of the stored fields: keys in alphabetical order, dates as ISO 8601 UTC.
 * Extra properties (the stored hash, say) are ignored. A missing field throws rather than
 * silently hashing something different from what the database holds.
 */
export function consentRowContent(row: ConsentLedgerRow): string {
  const canonical: Record<string, string | number | boolean | null> = {};
  for (const field of FIELD_ORDER) {
    const value: unknown = row[field];
    if (value === undefined) {
      throw new TypeError(`consent row ${String(row.id)} has no value for "${field}"; store null when it is unknown`);
    }
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime()))
        throw new RangeError(`consent row ${String(row.id)} has an invalid date in "${field}"`);
      canonical[field] = value.toISOString();
    } else {
      canonical[field] = value as string | number | boolean | null;
    }
  }
  return JSON.stringify(canonical);
}

/** sha256(prevHash + "\n" + content) as lower-case hex; the first row of a chain follows GENESIS_HASH. */
export function consentRowHash(prevHash: string | null, row: ConsentLedgerRow): string {
  return bytesToHex(sha256(utf8ToBytes(`${prevHash ?? GENESIS_HASH}\n${consentRowContent(row)}`)));
}

/** A stored ledger row: its content plus the chain fields. An erased stub is checked by its link only. */
export type StoredLedgerRow = ConsentLedgerRow & {
  hash: string;
  prevHash?: string | null;
  seq?: number;
  erased?: boolean;
};

export type ChainVerification =
  | { intact: true; checked: number; stubs: number; headHash: string | null }
  | {
      intact: false;
      checked: number;
      stubs: number;
      brokenAt: { index: number; seq: number; id: string; reason: string };
    };

/**
 * Re-hashes the rows in insertion (seq) order. Every row must follow its predecessor (its seq and stored
 * prev hash, when stored), every live row's hash must be the hash of its content, and, when the shop's head
 * is given, the last row must be that head, so rows cut off the end are found too. `checked` counts the
 * rows that verified, so on a break it equals `brokenAt.index`. An erased stub has lost its content, so its
 * content hash can no longer be recomputed: it is checked by its link only.
 */
export function verifyChain(
  rows: readonly StoredLedgerRow[],
  head?: { seq: number; hash: string | null },
): ChainVerification {
  let prevHash: string | null = null;
  let stubs = 0;
  for (const [index, row] of rows.entries()) {
    const seq = row.seq ?? index + 1;
    const broken = (reason: string): ChainVerification => ({
      intact: false,
      checked: index,
      stubs,
      brokenAt: { index, seq, id: row.id, reason },
    });
    if (seq !== index + 1)
      return broken(`expected seq ${index + 1}, found ${seq}: a row was removed or inserted before it`);
    if (row.prevHash !== undefined && (row.prevHash ?? GENESIS_HASH) !== (prevHash ?? GENESIS_HASH)) {
      return broken(
        "prev_hash does not match the hash of the row before it: a row before it was altered, removed or inserted",
      );
    }
    if (row.erased) {
      stubs++;
    } else {
      let expected: string;
      try {
        expected = consentRowHash(prevHash, row);
      } catch (error) {
        return broken(`row cannot be hashed: ${(error as Error).message}`);
      }
      if (row.hash !== expected) {
        return broken(
          index === 0
            ? "stored hash does not match: the row was altered, or rows before it were removed"
            : "stored hash does not match: the row was altered, " +
                "or the row before it was removed, inserted or reordered",
        );
      }
    }
    prevHash = row.hash;
  }
  if (head && (rows.length !== head.seq || prevHash !== head.hash)) {
    const reason =
      `the shop's head is seq ${head.seq}, but the ledger ends at seq ${rows.length}: ` +
      "rows were removed from the end";
    return {
      intact: false,
      checked: rows.length,
      stubs,
      brokenAt: { index: rows.length, seq: rows.length + 1, id: "", reason },
    };
  }
  return { intact: true, checked: rows.length, stubs, headHash: prevHash };
}
