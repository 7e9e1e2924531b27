import { COMPARISONS, MATCH_FIELDS, type MatchField } from "./compare";
import { preparePerson, type MatchPerson, type PreparedPerson } from "./fields";
import { fieldWeight, type MatchModel } from "./model";

/** One field of a proposed pair, as the duplicates queue shows it. */
export interface FieldEvidence {
  field: MatchField;
  level: string;
  verdict: "agrees" | "close" | "differs";
  /** Bits of evidence: positive for the pair, negative against. */
  weight: number;
  words: string;
}

export interface MatchExplanation {
  weight: number;
  probability: number;
  namesSwapped: boolean;
  fields: FieldEvidence[];
  /** One sentence for the queue's list: what agrees and what does not. */
  summary: string;
}

const LABEL: Record<MatchField, string> = {
  givenName: "first name",
  surname: "last name",
  postcode: "postcode",
  streetNumber: "street number",
  street: "street",
  address2: "second address line",
  city: "city",
  birthday: "birth date",
  emailLocal: "email name",
  phone: "phone number",
};

const PLURAL: Record<MatchField, string> = {
  givenName: "First names",
  surname: "Last names",
  postcode: "Postcodes",
  streetNumber: "Street numbers",
  street: "Streets",
  address2: "Second address lines",
  city: "Cities",
  birthday: "Birth dates",
  emailLocal: "Email names",
  phone: "Phone numbers",
};

const round1 = (n: number) => Math.round(n * 10) / 10;
const listWords = (xs: string[]) => (xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}`);
const birthday = (s: string) => (s.length === 8 ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6)}` : s);

function shown(field: MatchField, p: PreparedPerson, swapped: boolean): string {
  switch (field) {
    case "givenName":
      return swapped ? p.surname : p.given;
    case "surname":
      return swapped ? p.given : p.surname;
    case "postcode":
      return p.postcode;
    case "streetNumber":
      return p.streetNumber;
    case "street":
      return p.street;
    case "address2":
      return p.address2;
    case "city":
      return p.city;
    case "birthday":
      return birthday(p.birthday);
    case "emailLocal":
      return p.emailLocals.join(" / ");
    case "phone":
      return p.phoneTails.map((t) => `…${t.slice(-4)}`).join(" / ");
  }
}

function words(field: MatchField, level: string, a: string, b: string): string {
  const both = a === b ? `(${a})` : `(${a}, ${b})`;
  switch (level) {
    case "exact":
      return `Same ${LABEL[field]} ${both}`;
    case "nickname":
      return `${PLURAL[field]} are a name and its short form ${both}`;
    case "very_similar":
      return `${PLURAL[field]} differ by a typo ${both}`;
    case "similar":
      return `${PLURAL[field]} are alike ${both}`;
    case "sounds_alike":
      return `${PLURAL[field]} sound alike ${both}`;
    case "one_digit":
      return field === "birthday"
        ? `Birth dates one digit apart or day and month swapped ${both}`
        : `${PLURAL[field]} one digit apart or two digits swapped ${both}`;
    default:
      return `Different ${LABEL[field]} ${both}`;
  }
}

/**
 * Why a pair was proposed, field by field in a merchant's words, with each field's weight: what agreed
 * counts for the pair, what disagreed counts against it, what one of them lacks counts for nothing.
 */
export function explainMatch(
  a: MatchPerson,
  b: MatchPerson,
  pair: { levels: readonly number[]; namesSwapped: boolean; weight: number; probability: number },
  model: MatchModel,
): MatchExplanation {
  const fields: FieldEvidence[] = [];
  const [pa, pb] = [preparePerson(a), preparePerson(b)];
  MATCH_FIELDS.forEach((field, f) => {
    const l = pair.levels[f]!;
    if (l < 0) return;
    const levels = COMPARISONS[field] as readonly string[];
    const level = levels[l]!;
    const verdict = l === 0 ? "agrees" : l === levels.length - 1 ? "differs" : "close";
    const text = words(field, level, shown(field, pa, false), shown(field, pb, pair.namesSwapped));
    fields.push({ field, level, verdict, weight: round1(fieldWeight(model, field, l)), words: text });
  });
  const agreed = fields.filter((e) => e.verdict !== "differs").map((e) => LABEL[e.field]);
  const differed = fields.filter((e) => e.verdict === "differs").map((e) => LABEL[e.field]);
  const verb = (xs: string[], one: string, many: string) => (xs.length === 1 ? one : many);
  // Never "100%": the model is evidence for a person to weigh, not a certainty.
  const percent = Math.min(99, Math.floor(pair.probability * 100));
  const summary =
    `${percent}% likely one person: ` +
    (agreed.length ? `${listWords(agreed)} ${verb(agreed, "agrees", "agree")}` : "little agrees") +
    (pair.namesSwapped ? " (first and last name entered the other way round)" : "") +
    (differed.length ? `; ${listWords(differed)} ${verb(differed, "differs", "differ")}.` : ".");
  const { probability, namesSwapped } = pair;
  return { weight: round1(pair.weight), probability, namesSwapped, fields, summary };
}
