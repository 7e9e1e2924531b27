import { IdentityGraphError, type GraphCandidate, type GraphMerge } from "./graph";
import { identifierKey, uniqueIdentifiers, type Identifier } from "./normalize";
import { resolveIdentity, type IdentityLimits, type OwnedProfile, type ResolutionDecision } from "./resolve";

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
  /**
   * The ID for a profile an event creates; injected so the rule stays pure. Must
   * be fresh: a given owner's ID is refused, and repeats are not looked for.
   */
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

/**
 * A merge as the graph records it, without the snapshots undo needs; profile
 * IDs as they were when the event merged them.
 */
export type BatchMerge = Pick<GraphMerge, "eventId" | "at" | "survivorId" | "mergedIds" | "evidence" | "reason">;

/** A candidate as the graph keeps it: the batch must propose exactly what folding `applyEvent` would. */
export type BatchCandidate = GraphCandidate;

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
  changed: boolean;
  alive: boolean;
}

export function resolveIdentityBatch(
  events: Iterable<BatchIdentityEvent>,
  initialOwners: readonly OwnedProfile[],
  options: BatchOptions,
): BatchResolution {
  // Profiles are reached through the identifiers they own (and the owners handed to each decision), so
  // the only map of profiles is the small one of given owners, for refusing a taken ID.
  const given = new Map<string, LiveProfile>();
  const live: LiveProfile[] = [];
  const ownerOf = new Map<string, LiveProfile>();
  for (const p of initialOwners) {
    const owner: LiveProfile = {
      profileId: p.profileId,
      createdAt: p.createdAt,
      identifiers: [...p.identifiers],
      changed: false,
      alive: true,
    };
    given.set(p.profileId, owner);
    live.push(owner);
    // As in resolveIdentity: should the caller's data disagree, the oldest claim wins.
    for (const i of owner.identifiers) {
      const key = identifierKey(i);
      const held = ownerOf.get(key);
      if (
        !held ||
        owner.createdAt < held.createdAt ||
        (+owner.createdAt === +held.createdAt && owner.profileId < held.profileId)
      )
        ownerOf.set(key, owner);
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

  const attach = (
    target: LiveProfile,
    identifiers: readonly Identifier[],
    event: BatchIdentityEvent,
    seen: readonly Identifier[],
    keys: readonly string[],
  ) => {
    for (const identifier of identifiers) {
      target.identifiers.push(identifier);
      const n = seen.indexOf(identifier);
      ownerOf.set(n >= 0 ? keys[n]! : identifierKey(identifier), target);
      attached.push({
        identifier,
        profileId: target.profileId,
        resolvedProfileId: target.profileId,
        eventId: event.id,
        at: event.at,
        source: event.source,
      });
    }
    target.changed = true;
  };

  for (const event of events) {
    const earlier = profileOfEvent.get(event.id);
    if (earlier !== undefined) {
      outcomes.push({
        eventId: event.id,
        profileId: earlier,
        resolvedProfileId: earlier,
        decision: "link",
        replay: true,
      });
      continue;
    }
    const seen = uniqueIdentifiers(event.identifiers);
    const keys = seen.map(identifierKey);
    const owners: LiveProfile[] = [];
    for (const key of keys) {
      const owner = ownerOf.get(key);
      if (owner && !owners.includes(owner)) owners.push(owner);
    }
    const decision = resolveIdentity({ seen, owners, limits: options.limits });
    const owned = (id: string) => owners.find((o) => o.profileId === id)!;

    let profileId: string;
    switch (decision.kind) {
      case "create": {
        profileId = options.newProfileId(event);
        if (given.has(profileId))
          throw new IdentityGraphError(
            "PROFILE_ID_TAKEN",
            `Profile ${profileId} already exists; pass a fresh profile ID.`,
          );
        const record: BatchCreatedProfile = {
          profileId,
          createdAt: options.createdAt?.(event) ?? event.at,
          firstSeenAt: event.at,
          eventId: event.id,
          mergedInto: null,
        };
        const profile: LiveProfile = {
          profileId,
          createdAt: record.createdAt,
          identifiers: [],
          changed: true,
          alive: true,
        };
        live.push(profile);
        created.push(record);
        attach(profile, decision.attach, event, seen, keys);
        for (const c of decision.candidates) proposals.push({ ...c, profileId, eventId: event.id });
        break;
      }
      case "link":
      case "candidate": {
        profileId = decision.profileId;
        attach(owned(profileId), decision.attach, event, seen, keys);
        if (decision.kind === "candidate")
          for (const c of decision.candidates) proposals.push({ ...c, eventId: event.id });
        break;
      }
      case "merge": {
        profileId = decision.survivorId;
        const survivor = owned(profileId);
        for (const id of decision.mergedIds) {
          const merged = owned(id);
          for (const i of merged.identifiers) {
            survivor.identifiers.push(i);
            ownerOf.set(identifierKey(i), survivor);
          }
          merged.alive = false;
          mergedInto.set(id, profileId);
        }
        attach(survivor, decision.attach, event, seen, keys);
        merges.push({
          eventId: event.id,
          at: event.at,
          survivorId: profileId,
          mergedIds: decision.mergedIds,
          evidence: decision.evidence,
          reason: decision.reason,
        });
        for (const c of decision.candidates) proposals.push({ ...c, eventId: event.id });
        break;
      }
    }
    profileOfEvent.set(event.id, profileId);
    outcomes.push({
      eventId: event.id,
      profileId,
      resolvedProfileId: profileId,
      decision: decision.kind,
      replay: false,
    });
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
  const touched: OwnedProfile[] = live.filter((p) => p.alive && p.changed);
  return { created, attached, merges, candidates, events: outcomes, survivorOf, profiles: touched };
}
