import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** One FEBRL record, and the person (`rec-123`) it belongs to: the truth the scores are counted against. */
export interface FebrlRecord {
  recId: string;
  person: string;
  givenName: string;
  surname: string;
  streetNumber: string;
  address1: string;
  address2: string;
  suburb: string;
  postcode: string;
  state: string;
  /** YYYYMMDD as FEBRL writes it, or "". */
  dateOfBirth: string;
}

export function readFebrl(name: "dataset1" | "dataset2"): FebrlRecord[] {
  const path = fileURLToPath(new URL(`../../../../test-data/febrl/${name}.csv`, import.meta.url));
  const [, ...lines] = readFileSync(path, "utf8").trim().split("\n");
  return lines.map((line) => {
    const c = line.split(",").map((s) => s.trim());
    return {
      recId: c[0]!,
      person: c[0]!.split("-").slice(0, 2).join("-"),
      givenName: c[1]!,
      surname: c[2]!,
      streetNumber: c[3]!,
      address1: c[4]!,
      address2: c[5]!,
      suburb: c[6]!,
      postcode: c[7]!,
      state: c[8]!,
      dateOfBirth: c[9]!,
    };
  });
}

/** Every pair of records of one person, as `a|b` with a < b in `keyOf`'s terms. */
export function truePairs(records: readonly FebrlRecord[], keyOf: (r: FebrlRecord) => string): Set<string> {
  const byPerson = new Map<string, string[]>();
  for (const r of records) byPerson.set(r.person, [...(byPerson.get(r.person) ?? []), keyOf(r)]);
  const pairs = new Set<string>();
  for (const keys of byPerson.values()) {
    for (let i = 0; i < keys.length; i++) {
      for (let j = i + 1; j < keys.length; j++) pairs.add(pairKey(keys[i]!, keys[j]!));
    }
  }
  return pairs;
}

export const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

export function scores(found: ReadonlySet<string>, truth: ReadonlySet<string>) {
  const truePositives = [...found].filter((k) => truth.has(k)).length;
  const precision = found.size === 0 ? 0 : truePositives / found.size;
  const recall = truePositives / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { found: found.size, truth: truth.size, truePositives, precision, recall, f1 };
}

/** A FEBRL birth date as ISO, when it is one (a few are malformed: those customers have none). */
export function isoBirthday(r: FebrlRecord): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(r.dateOfBirth);
  const valid = m && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= 31;
  return valid ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** The record as a Shopify customer (README of the data): default address, birthday from `facts.birth_date`. */
export function febrlCustomer(r: FebrlRecord, id: number) {
  const birthday = isoBirthday(r);
  return {
    id,
    email: null,
    phone: null,
    first_name: r.givenName || null,
    last_name: r.surname || null,
    created_at: "2026-01-05T10:00:00Z",
    updated_at: "2026-01-05T10:00:00Z",
    default_address: {
      address1: [r.streetNumber, r.address1].filter(Boolean).join(" ") || null,
      address2: r.address2 || null,
      city: r.suburb || null,
      zip: r.postcode || null,
      province: r.state || null,
      country_code: "AU",
    },
    metafields: birthday ? [{ namespace: "facts", key: "birth_date", type: "date", value: birthday }] : [],
  };
}
