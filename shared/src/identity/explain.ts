import { byStrength, type Identifier } from "./normalize";
import { describeIdentifier, describeIdentifiers } from "./wording";

export interface IdentityLinkFact {
  identifier: Identifier;
  /** Where it was seen, in the merchant's words: "identify", "an order", "a companion sign-up". */
  source: string;
  eventId?: string | null;
  linkedAt: Date;
}

export interface MergeFact {
  at: Date;
  evidence: Identifier[];
  reason: string;
  auto: boolean;
}

export interface ExplainOptions {
  /** IANA time zone for dates; UTC when absent. */
  timeZone?: string;
}

function dateIn(at: Date, timeZone: string | undefined): string {
  if (!timeZone) return at.toISOString().slice(0, 10);
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

const sentence = (s: string): string => s.trim().replace(/[.\s]+$/, "");

/**
 * Why a profile holds the identifiers it holds, oldest first: one sentence per event that linked
 * identifiers (identifiers linked by the same event are told together) and one per merge.
 */
export function explainIdentity(
  links: readonly IdentityLinkFact[],
  merges: readonly MergeFact[],
  options: ExplainOptions = {},
): string[] {
  const groups = new Map<string, IdentityLinkFact[]>();
  links.forEach((link, n) => {
    const key = link.eventId ? `event:${link.eventId}` : `link:${n}`;
    groups.set(key, [...(groups.get(key) ?? []), link]);
  });

  const facts: { at: number; order: number; text: string }[] = [];
  for (const group of groups.values()) {
    const first = group.reduce((a, b) => (b.linkedAt < a.linkedAt ? b : a));
    const [subject, ...others] = byStrength(group.map((l) => l.identifier));
    const when = `in ${first.source} on ${dateIn(first.linkedAt, options.timeZone)}`;
    const text =
      others.length > 0
        ? `${describeIdentifier(subject!)} was seen with ${describeIdentifiers(others)} ${when}`
        : `${describeIdentifier(subject!)} was seen ${when}`;
    facts.push({ at: first.linkedAt.getTime(), order: facts.length, text });
  }
  for (const merge of merges) {
    const date = dateIn(merge.at, options.timeZone);
    const why =
      merge.evidence.length > 0 ? ` because ${describeIdentifiers(byStrength(merge.evidence))} were seen together` : "";
    const text = merge.auto
      ? `Merged automatically on ${date}${why}`
      : `Merged by a person on ${date}${merge.reason.trim() ? `: ${sentence(merge.reason)}` : why}`;
    facts.push({ at: merge.at.getTime(), order: facts.length, text });
  }
  return facts.sort((a, b) => a.at - b.at || a.order - b.order).map((f) => `${f.text}.`);
}
