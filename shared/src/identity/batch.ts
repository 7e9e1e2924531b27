import { IdentityGraphError } from "./graph";
import { identifierKey, uniqueIdentifiers, type Identifier } from "./normalize";
import {
  resolveIdentity,
  type IdentityLimits,
  type MergeCandidateProposal,
  type OwnedProfile,
  type ResolutionDecision,
} from "./resolve";

/**
 * Identity resolution for many events at once (a backfill, a batch of webhooks, a sync push): the same
 * `resolveIdentity` rule, event by event in the given order, exactly as folding `applyEvent` would, but on
 * mutable indexes so a million events cost a million lookups rather than a million graph copies.
 */
export interface BatchIdentityEvent {
  /** Unique per shop; a repeat inside the batch is a replay and changes nothing. */
  id: string;
  identifiers: Identifier[];
  at: Date;
  source?: string;
}

export interface BatchOptions {
  limits: IdentityLimits;
  /** The ID for a profile an event creates; injected so the rule stays pure. */
  newProfileId: (event: BatchIdentityEvent) => string;
  /**
   * When a created profile counts as created, which decides merge survivors (the oldest survives). The
   * event's time when absent, as in the graph; a server passes its clock, as its per-event path does.
   */
  createdAt?: (event: BatchIdentityEvent) => Date;
}

export interface BatchCreatedProfile {
  profileId: string;
  createdAt: Date;
  /** The time of the event that created it. */
  firstSeenAt: Date;
  eventId: string;
  /** The profile it finally belongs to when a later event of the batch merged it away; null when it lives. */
  mergedInto: string | null;
}

export interface BatchAttachment {
  identifier: Identifier;
  /** The profile that finally holds it, after every merge of the batch. */
  profileId: string;
  /** The profile the event attached it to, before later merges of the batch. */
  resolvedProfileId: string;
  eventId: string;
  at: Date;
  source?: string;
}

export interface BatchMerge {
  eventId: string;
  at: Date;
  /** Profile IDs as they were when the event merged them. */
  survivorId: string;
  mergedIds: string[];
  evidence: Identifier[];
  reason: string;
}

export interface BatchCandidate extends MergeCandidateProposal {
  eventId: string;
}

export interface BatchEventOutcome {
  eventId: string;
  /** The profile the event finally belongs to. */
  profileId: string;
  /** The profile it was resolved to when it arrived, before later merges of the batch. */
  resolvedProfileId: string;
  decision: ResolutionDecision["kind"];
  /** The event repeats an earlier one of the batch and changed nothing. */
  replay: boolean;
}

export interface BatchResolution {
  /** Every profile the batch created, in creation order. */
  created: BatchCreatedProfile[];
  /** Identifiers that gained an owner, in event order. */
  attached: BatchAttachment[];
  /** In event order. */
  merges: BatchMerge[];
  /** Between the profiles as they finally are: one per pair, none between a profile and itself. */
  candidates: BatchCandidate[];
  /** One per event, in the given order. */
  events: BatchEventOutcome[];
  /** Every profile (given or created) that a merge of the batch took away, with the profile it finally belongs to. */
  survivorOf: ReadonlyMap<string, string>;
  /** Every living profile the batch created or changed, with all its identifiers (read-only). */
  profiles: OwnedProfile[];
}

interface LiveProfile extends OwnedProfile {
  created: BatchCreatedProfile | null;
  changed: boolean;
}

export function resolveIdentityBatch(
  events: Iterable<BatchIdentityEvent>,
  initialOwners: readonly OwnedProfile[],
  options: BatchOptions,
): BatchResolution {
  const profiles = new Map<string, LiveProfile>();
  const ownerOf = new Map<string, LiveProfile>();
  for (const p of initialOwners) {
    const live: LiveProfile = { profileId: p.profileId, createdAt: p.createdAt, identifiers: [...p.identifiers], created: null, changed: false };
    profiles.set(p.profileId, live);
    // As in resolveIdentity: should the caller's data disagree, the oldest claim wins.
    for (const i of live.identifiers) {
      const key = identifierKey(i);
      const held = ownerOf.get(key);
      if (!held || live.createdAt < held.createdAt || (+live.createdAt === +held.createdAt && live.profileId < held.profileId)) ownerOf.set(key, live);
    }
  }

  const mergedInto = new Map<string, string>();
  const finalId = (profileId: string): string => {
    let id = profileId;
    for (let next = mergedInto.get(id); next !== undefined; next = mergedInto.get(id)) id = next;
    if (id !== profileId) mergedInto.set(profileId, id);
    return id;
  };

  const created: BatchCreatedProfile[] = [];
  const attached: BatchAttachment[] = [];
  const merges: BatchMerge[] = [];
  const proposals: BatchCandidate[] = [];
  const outcomes: BatchEventOutcome[] = [];
  const profileOfEvent = new Map<string, string>();

  const attach = (target: LiveProfile, identifiers: readonly Identifier[], event: BatchIdentityEvent) => {
    for (const identifier of identifiers) {
      target.identifiers.push(identifier);
      ownerOf.set(identifierKey(identifier), target);
      attached.push({ identifier, profileId: target.profileId, resolvedProfileId: target.profileId, eventId: event.id, at: event.at, source: event.source });
    }
    target.changed = true;
  };

  for (const event of events) {
    const earlier = profileOfEvent.get(event.id);
    if (earlier !== undefined) {
      outcomes.push({ eventId: event.id, profileId: earlier, resolvedProfileId: earlier, decision: "link", replay: true });
      continue;
    }
    const seen = uniqueIdentifiers(event.identifiers);
    const owners: LiveProfile[] = [];
    for (const i of seen) {
      const owner = ownerOf.get(identifierKey(i));
      if (owner && !owners.includes(owner)) owners.push(owner);
    }
    const decision = resolveIdentity({ seen, owners, limits: options.limits });

    let profileId: string;
    switch (decision.kind) {
      case "create": {
        profileId = options.newProfileId(event);
        if (profiles.has(profileId) || mergedInto.has(profileId)) {
          throw new IdentityGraphError("PROFILE_ID_TAKEN", `Profile ${profileId} already exists; pass a fresh profile ID.`);
        }
        const record: BatchCreatedProfile = { profileId, createdAt: options.createdAt?.(event) ?? event.at, firstSeenAt: event.at, eventId: event.id, mergedInto: null };
        const profile: LiveProfile = { profileId, createdAt: record.createdAt, identifiers: [], created: record, changed: true };
        profiles.set(profileId, profile);
        created.push(record);
        attach(profile, decision.attach, event);
        for (const c of decision.candidates) proposals.push({ ...c, profileId, eventId: event.id });
        break;
      }
      case "link":
      case "candidate": {
        profileId = decision.profileId;
        attach(profiles.get(profileId)!, decision.attach, event);
        if (decision.kind === "candidate") for (const c of decision.candidates) proposals.push({ ...c, eventId: event.id });
        break;
      }
      case "merge": {
        profileId = decision.survivorId;
        const survivor = profiles.get(profileId)!;
        for (const id of decision.mergedIds) {
          const merged = profiles.get(id)!;
          for (const i of merged.identifiers) {
            survivor.identifiers.push(i);
            ownerOf.set(identifierKey(i), survivor);
          }
          profiles.delete(id);
          mergedInto.set(id, profileId);
        }
        attach(survivor, decision.attach, event);
        merges.push({ eventId: event.id, at: event.at, survivorId: profileId, mergedIds: decision.mergedIds, evidence: decision.evidence, reason: decision.reason });
        for (const c of decision.candidates) proposals.push({ ...c, eventId: event.id });
        break;
      }
    }
    profileOfEvent.set(event.id, profileId);
    outcomes.push({ eventId: event.id, profileId, resolvedProfileId: profileId, decision: decision.kind, replay: false });
  }

  for (const c of created) {
    const survivor = finalId(c.profileId);
    if (survivor !== c.profileId) c.mergedInto = survivor;
  }
  for (const a of attached) a.profileId = finalId(a.profileId);
  for (const o of outcomes) o.profileId = finalId(o.profileId);
  const survivorOf = new Map<string, string>();
  for (const id of mergedInto.keys()) survivorOf.set(id, finalId(id));

  const pairs = new Set<string>();
  const candidates: BatchCandidate[] = [];
  for (const c of proposals) {
    const profileId = finalId(c.profileId);
    const otherProfileId = finalId(c.otherProfileId);
    const pair = profileId < otherProfileId ? `${profileId}|${otherProfileId}` : `${otherProfileId}|${profileId}`;
    if (profileId === otherProfileId || pairs.has(pair)) continue;
    pairs.add(pair);
    candidates.push({ ...c, profileId, otherProfileId });
  }

  // The live objects themselves: a million copies would cost more than the resolution.
  const touched: OwnedProfile[] = [];
  for (const p of profiles.values()) if (p.changed) touched.push(p);
  return { created, attached, merges, candidates, events: outcomes, survivorOf, profiles: touched };
}
