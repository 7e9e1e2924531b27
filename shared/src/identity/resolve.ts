import type { ShopSettings } from "../settings";
import {
  byStrength,
  identifierKey,
  identifierStrength,
  uniqueIdentifiers,
  type Identifier,
  type IdentifierKind,
} from "./normalize";
import { describeIdentifier, describeIdentifiers, listInWords } from "./wording";

export type IdentityLimits = ShopSettings["identityLimits"];

/** An existing profile that owns at least one of the seen identifiers, with ALL its identifiers. */
export interface OwnedProfile {
  profileId: string;
  createdAt: Date;
  identifiers: Identifier[];
}

export interface ResolutionInput {
  seen: Identifier[];
  owners: OwnedProfile[];
  limits: IdentityLimits;
}

export interface MergeCandidateProposal {
  profileId: string;
  otherProfileId: string;
  reason: string;
  evidence: Identifier[];
}

/** A candidate whose first profile is the one the `create` decision is about to make. */
export type NewProfileCandidate = Omit<MergeCandidateProposal, "profileId">;

export type ResolutionDecision =
  | { kind: "create"; attach: Identifier[]; candidates: NewProfileCandidate[]; reason: string }
  | { kind: "link"; profileId: string; attach: Identifier[]; reason: string }
  | {
      kind: "merge";
      survivorId: string;
      mergedIds: string[];
      attach: Identifier[];
      evidence: Identifier[];
      /** Profiles the same event touched that could not join the merge without breaking a limit. */
      candidates: MergeCandidateProposal[];
      reason: string;
    }
  | {
      kind: "candidate";
      profileId: string;
      attach: Identifier[];
      candidates: MergeCandidateProposal[];
      reason: string;
    };

/** The survivor of a merge is the oldest profile; equal ages fall back to the id so the choice is stable. */
export function survivorOrder(a: OwnedProfile, b: OwnedProfile): number {
  return (
    a.createdAt.getTime() - b.createdAt.getTime() ||
    (a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : 0)
  );
}

type LimitedKind = Extract<IdentifierKind, "shopify" | "email" | "phone">;
const limitOf = (kind: IdentifierKind, limits: IdentityLimits): number | null =>
  kind === "shopify"
    ? limits.maxShopifyIds
    : kind === "email"
      ? limits.maxEmails
      : kind === "phone"
        ? limits.maxPhones
        : null;

const valuesOf = (identifiers: readonly Identifier[], kind: LimitedKind): string[] => [
  ...new Set(identifiers.filter((i) => i.kind === kind).map((i) => i.value)),
];

/** Why one profile holding all these identifiers would break the shop's identity limits (empty: it would not). */
export function limitBreaches(identifiers: readonly Identifier[], limits: IdentityLimits): string[] {
  const breaches: string[] = [];
  const shopify = valuesOf(identifiers, "shopify");
  if (shopify.length > limits.maxShopifyIds) {
    breaches.push(
      limits.maxShopifyIds === 1
        ? `both have a Shopify customer ID (${shopify.join(", ")})`
        : `together they would have ${shopify.length} Shopify customer IDs, ` +
            `more than the limit of ${limits.maxShopifyIds}`,
    );
  }
  const emails = valuesOf(identifiers, "email").length;
  if (emails > limits.maxEmails)
    breaches.push(`together they would have ${emails} emails, more than the limit of ${limits.maxEmails}`);
  const phones = valuesOf(identifiers, "phone").length;
  if (phones > limits.maxPhones)
    breaches.push(`together they would have ${phones} phones, more than the limit of ${limits.maxPhones}`);
  return breaches;
}

/** Splits new identifiers into those a profile can take and those that would break a limit. */
function fitWithin(held: readonly Identifier[], additions: readonly Identifier[], limits: IdentityLimits) {
  const counts = new Map<IdentifierKind, number>();
  for (const kind of ["shopify", "email", "phone"] as const) counts.set(kind, valuesOf(held, kind).length);
  const attach: Identifier[] = [];
  const dropped: Identifier[] = [];
  for (const i of additions) {
    const max = limitOf(i.kind, limits);
    const count = counts.get(i.kind) ?? 0;
    if (max !== null && count >= max) {
      dropped.push(i);
    } else {
      attach.push(i);
      counts.set(i.kind, count + 1);
    }
  }
  return { attach, dropped };
}

function droppedClause(dropped: readonly Identifier[], limits: IdentityLimits): string {
  return dropped
    .map((i) => {
      const why =
        i.kind === "shopify"
          ? "the profile already has a Shopify customer ID"
          : `the profile already has ${limitOf(i.kind, limits)} ${i.kind === "email" ? "emails" : "phones"}, ` +
            "the most allowed";
      return `; ${describeIdentifier(i)} was not added because ${why}`;
    })
    .join("");
}

const ACCOUNT_KINDS: ReadonlySet<IdentifierKind> = new Set(["shopify", "email", "marketplace"]);
const holdsAccount = (identifiers: readonly Identifier[]): boolean =>
  identifiers.some((i) => ACCOUNT_KINDS.has(i.kind));
const isDeviceOnly = (evidence: readonly Identifier[]): boolean => evidence.every((i) => i.kind === "device");
const wasOrWere = (identifiers: readonly Identifier[]): string => (identifiers.length === 1 ? "was" : "were");

/**
 * Decides what one event means for identity: which profile it belongs to, which of its identifiers that
 * profile gains, which profiles merge, and which possible duplicates a person should look at.
 */
export function resolveIdentity(input: ResolutionInput): ResolutionDecision {
  const { limits } = input;
  const seen = byStrength(uniqueIdentifiers(input.seen));
  const owners = [...input.owners].sort(survivorOrder);

  // An identifier belongs to at most one profile; should the caller's data disagree, the oldest claim wins.
  const ownerOf = new Map<string, OwnedProfile>();
  for (const p of owners)
    for (const i of p.identifiers) if (!ownerOf.has(identifierKey(i))) ownerOf.set(identifierKey(i), p);

  const evidenceOf = new Map<string, Identifier[]>();
  const unowned: Identifier[] = [];
  for (const i of seen) {
    const owner = ownerOf.get(identifierKey(i));
    if (owner) evidenceOf.set(owner.profileId, [...(evidenceOf.get(owner.profileId) ?? []), i]);
    else unowned.push(i);
  }
  const evidence = (p: OwnedProfile): Identifier[] => evidenceOf.get(p.profileId) ?? [];
  const strongestTie = (p: OwnedProfile): number => identifierStrength(evidence(p)[0]!.kind);

  const touched = owners
    .filter((p) => evidenceOf.has(p.profileId))
    .sort((a, b) => strongestTie(b) - strongestTie(a) || survivorOrder(a, b));
  const anchor = touched[0];
  if (!anchor) return newCustomer(unowned, [], limits);

  // Join the anchor (the owner of the event's strongest known identifier) with every other owner that
  // can come along; the rest are either set aside (shared device) or proposed as candidates.
  const group: OwnedProfile[] = [anchor];
  let groupIdentifiers = [...anchor.identifiers];
  const blocked: { other: OwnedProfile; breaches: string[] }[] = [];
  const sharedDevice: OwnedProfile[] = [];
  for (const other of touched.slice(1)) {
    if (isDeviceOnly(evidence(other)) && holdsAccount(other.identifiers) && holdsAccount(groupIdentifiers)) {
      sharedDevice.push(other);
      continue;
    }
    const breaches = limitBreaches([...groupIdentifiers, ...other.identifiers], limits);
    if (breaches.length > 0) {
      blocked.push({ other, breaches });
      continue;
    }
    group.push(other);
    groupIdentifiers = [...groupIdentifiers, ...other.identifiers];
  }

  const { attach, dropped } = fitWithin(groupIdentifiers, unowned, limits);
  const strongestNew = unowned[0];
  if (strongestNew && dropped[0] === strongestNew && identifierStrength(strongestNew.kind) > strongestTie(anchor)) {
    // The event's strongest identifier is new and cannot join the profiles it was seen with (a second
    // Shopify customer on a household phone): it is a different customer until a person says otherwise.
    return newCustomer(unowned, touched, limits, evidence);
  }

  const [survivor, ...merged] = [...group].sort(survivorOrder);
  const groupEvidence = byStrength(group.flatMap(evidence));
  const candidates: MergeCandidateProposal[] = blocked.map(({ other, breaches }) => ({
    profileId: survivor!.profileId,
    otherProfileId: other.profileId,
    evidence: byStrength([...groupEvidence, ...evidence(other)]),
    reason:
      `Not merged: ${listInWords(breaches)}; ${describeIdentifiers(evidence(other))} ${wasOrWere(evidence(other))} ` +
      `seen in the same event as ${describeIdentifiers(groupEvidence)}.`,
  }));
  const adding = attach.length > 0 ? `, adding ${describeIdentifiers(attach)}` : "";
  const notAdded = droppedClause(dropped, limits);
  const deviceNote =
    sharedDevice.length > 0
      ? `; ${describeIdentifiers(sharedDevice.flatMap(evidence))} also belongs to another customer with their own ` +
        `email or Shopify ID (a shared device), so they were not joined`
      : "";
  const candidateNote =
    candidates.length > 0
      ? `; ${candidates.length === 1 ? "a possible duplicate was" : `${candidates.length} possible duplicates were`} ` +
        `left for a person to decide because merging would break an identity limit`
      : "";

  if (merged.length > 0) {
    return {
      kind: "merge",
      survivorId: survivor!.profileId,
      mergedIds: merged.map((p) => p.profileId),
      attach,
      evidence: groupEvidence,
      candidates,
      reason:
        `Merged ${group.length} profiles because ${describeIdentifiers(groupEvidence)} ` +
        `were seen together in one event${adding}${notAdded}${deviceNote}${candidateNote}.`,
    };
  }
  const linked = `Linked by ${describeIdentifiers(evidence(anchor))}${adding}${notAdded}${deviceNote}${candidateNote}.`;
  if (candidates.length > 0)
    return { kind: "candidate", profileId: anchor.profileId, attach, candidates, reason: linked };
  return { kind: "link", profileId: anchor.profileId, attach, reason: linked };
}

function newCustomer(
  unowned: readonly Identifier[],
  touched: readonly OwnedProfile[],
  limits: IdentityLimits,
  evidence: (p: OwnedProfile) => Identifier[] = () => [],
): ResolutionDecision {
  const { attach, dropped } = fitWithin([], unowned, limits);
  const candidates: NewProfileCandidate[] = touched
    .filter((other) => !(isDeviceOnly(evidence(other)) && holdsAccount(other.identifiers) && holdsAccount(attach)))
    .map((other) => {
      const breaches = limitBreaches([...attach, ...other.identifiers], limits);
      const tie = evidence(other);
      const seenWith =
        `${describeIdentifiers(tie)} ${wasOrWere(tie)} seen in the same event as ` + describeIdentifiers(attach);
      return {
        otherProfileId: other.profileId,
        evidence: byStrength([...attach, ...tie]),
        reason:
          breaches.length > 0
            ? `Not merged: ${listInWords(breaches)}; ${seenWith}.`
            : `Possibly the same customer: ${seenWith}.`,
      };
    });
  const first =
    attach.length > 0
      ? `New customer first seen with ${describeIdentifiers(attach)}`
      : "New customer with no usable identifier";
  const review =
    candidates.length > 0
      ? `; kept apart from ${candidates.length === 1 ? "a profile" : `${candidates.length} profiles`} ` +
        "seen in the same event for a person to review"
      : "";
  return { kind: "create", attach, candidates, reason: `${first}${droppedClause(dropped, limits)}${review}.` };
}
