import { byStrength, identifierKey, uniqueIdentifiers, type Identifier } from "./normalize";
import {
  survivorOrder,
  resolveIdentity,
  type IdentityLimits,
  type MergeCandidateProposal,
  type OwnedProfile,
  type ResolutionDecision,
} from "./resolve";

/**
 * A pure in-memory identity graph: the reference behaviour the server's tables must reproduce, and the
 * model the property tests drive. Every function returns a new graph and never mutates its input.
 */
export type GraphProfile = OwnedProfile;

export interface IdentityEvent {
  eventId: string;
  identifiers: Identifier[];
  at: Date;
}

export interface GraphEvent extends IdentityEvent {
  profileId: string;
}

export interface GraphMerge {
  mergeId: string;
  eventId: string;
  at: Date;
  survivorId: string;
  mergedIds: string[];
  evidence: Identifier[];
  reason: string;
  /** Every joined profile exactly as it was before the merge, survivor first. */
  snapshots: GraphProfile[];
  /** Which profile each of their events belonged to before the merge. */
  eventProfiles: Record<string, string>;
  undone: boolean;
}

export interface GraphCandidate extends MergeCandidateProposal {
  eventId: string;
}

export interface IdentityGraph {
  profiles: Record<string, GraphProfile>;
  /** In arrival order. */
  events: GraphEvent[];
  merges: GraphMerge[];
  candidates: GraphCandidate[];
}

export const emptyIdentityGraph = (): IdentityGraph => ({ profiles: {}, events: [], merges: [], candidates: [] });

export class IdentityGraphError extends Error {
  constructor(
    readonly code: "PROFILE_ID_TAKEN" | "MERGE_NOT_FOUND" | "ALREADY_UNDONE" | "LATER_MERGE" | "UNDO_WINDOW_PASSED",
    message: string,
  ) {
    super(message);
    this.name = "IdentityGraphError";
  }
}

/** The merge journal entry of the merge an event caused. */
export const mergeIdFor = (eventId: string): string => `merge:${eventId}`;

function ownersOf(graph: IdentityGraph, identifiers: readonly Identifier[]): OwnedProfile[] {
  const keys = new Set(identifiers.map(identifierKey));
  return Object.values(graph.profiles).filter((p) => p.identifiers.some((i) => keys.has(identifierKey(i))));
}

function addCandidates(
  graph: IdentityGraph,
  eventId: string,
  proposals: readonly MergeCandidateProposal[],
): GraphCandidate[] {
  const pairKey = (c: MergeCandidateProposal) => [c.profileId, c.otherProfileId].sort().join("|");
  const known = new Set(graph.candidates.map(pairKey));
  const fresh = proposals.filter((c) => !known.has(pairKey(c)) && known.add(pairKey(c)));
  return [...graph.candidates, ...fresh.map((c) => ({ ...c, eventId }))];
}

export function applyEvent(
  graph: IdentityGraph,
  event: IdentityEvent,
  limits: IdentityLimits,
  newProfileId: string,
): { graph: IdentityGraph; decision: ResolutionDecision } {
  const existing = graph.events.find((e) => e.eventId === event.eventId);
  if (existing) {
    // Webhooks and sync pushes are retried; the same event must not be counted twice.
    return {
      graph,
      decision: { kind: "link", profileId: existing.profileId, attach: [], reason: "This event was already recorded." },
    };
  }
  const seen = uniqueIdentifiers(event.identifiers);
  const decision = resolveIdentity({ seen, owners: ownersOf(graph, seen), limits });
  const recorded = (profileId: string): GraphEvent[] => [...graph.events, { ...event, identifiers: seen, profileId }];

  switch (decision.kind) {
    case "create": {
      if (graph.profiles[newProfileId]) {
        throw new IdentityGraphError(
          "PROFILE_ID_TAKEN",
          `Profile ${newProfileId} already exists; pass a fresh profile ID.`,
        );
      }
      const profile: GraphProfile = { profileId: newProfileId, createdAt: event.at, identifiers: decision.attach };
      const proposals = decision.candidates.map((c) => ({ ...c, profileId: newProfileId }));
      return {
        decision,
        graph: {
          ...graph,
          profiles: { ...graph.profiles, [newProfileId]: profile },
          events: recorded(newProfileId),
          candidates: addCandidates(graph, event.eventId, proposals),
        },
      };
    }
    case "link":
    case "candidate": {
      const target = graph.profiles[decision.profileId]!;
      return {
        decision,
        graph: {
          ...graph,
          profiles: {
            ...graph.profiles,
            [target.profileId]: { ...target, identifiers: [...target.identifiers, ...decision.attach] },
          },
          events: recorded(target.profileId),
          candidates:
            decision.kind === "candidate" ? addCandidates(graph, event.eventId, decision.candidates) : graph.candidates,
        },
      };
    }
    case "merge": {
      const survivor = graph.profiles[decision.survivorId]!;
      const mergedProfiles = decision.mergedIds.map((id) => graph.profiles[id]!);
      const joined = new Set([survivor.profileId, ...decision.mergedIds]);
      const profiles = { ...graph.profiles };
      for (const id of decision.mergedIds) delete profiles[id];
      profiles[survivor.profileId] = {
        ...survivor,
        identifiers: [...survivor.identifiers, ...mergedProfiles.flatMap((p) => p.identifiers), ...decision.attach],
      };
      const eventProfiles: Record<string, string> = {};
      for (const e of graph.events) if (joined.has(e.profileId)) eventProfiles[e.eventId] = e.profileId;
      const merge: GraphMerge = {
        mergeId: mergeIdFor(event.eventId),
        eventId: event.eventId,
        at: event.at,
        survivorId: survivor.profileId,
        mergedIds: decision.mergedIds,
        evidence: decision.evidence,
        reason: decision.reason,
        snapshots: [survivor, ...mergedProfiles],
        eventProfiles,
        undone: false,
      };
      return {
        decision,
        graph: {
          profiles,
          events: [
            ...graph.events.map((e) => (joined.has(e.profileId) ? { ...e, profileId: survivor.profileId } : e)),
            { ...event, identifiers: seen, profileId: survivor.profileId },
          ],
          merges: [...graph.merges, merge],
          candidates: addCandidates(graph, event.eventId, decision.candidates),
        },
      };
    }
  }
}

/**
 * Reverses a merge: every joined profile comes back exactly as its snapshot, its old events return to it,
 * and events that arrived since (the merging event included) go to the restored profile holding their
 * strongest identifier, bringing the identifiers they had added. Undo the most recent merge of a profile first.
 */
export function undoMerge(
  graph: IdentityGraph,
  mergeId: string,
  window?: { now: Date; undoWindowDays: number },
): IdentityGraph {
  const index = graph.merges.findIndex((m) => m.mergeId === mergeId);
  const merge = graph.merges[index];
  if (!merge) throw new IdentityGraphError("MERGE_NOT_FOUND", `There is no merge ${mergeId} to undo.`);
  if (merge.undone) throw new IdentityGraphError("ALREADY_UNDONE", "This merge has already been undone.");
  if (window && window.now.getTime() - merge.at.getTime() > window.undoWindowDays * 86_400_000) {
    throw new IdentityGraphError(
      "UNDO_WINDOW_PASSED",
      `This merge is older than ${window.undoWindowDays} days and can no longer be undone.`,
    );
  }
  const laterMerge = graph.merges
    .slice(index + 1)
    .find((m) => !m.undone && (m.survivorId === merge.survivorId || m.mergedIds.includes(merge.survivorId)));
  if (laterMerge) {
    throw new IdentityGraphError(
      "LATER_MERGE",
      "This profile was merged again afterwards; undo the later merge first.",
    );
  }

  // Identifiers the joined profile gained since the merge; each returns with the event that brought it.
  // They all sat on one profile within the limits, so no share of them can break a limit.
  const inSnapshots = new Set(merge.snapshots.flatMap((s) => s.identifiers.map(identifierKey)));
  const gainedSince = new Set(
    graph.profiles[merge.survivorId]!.identifiers.map(identifierKey).filter((key) => !inSnapshots.has(key)),
  );
  const profiles = { ...graph.profiles };
  for (const snapshot of merge.snapshots) profiles[snapshot.profileId] = snapshot;
  const restored = merge.snapshots.map((s) => s.profileId);

  const events: GraphEvent[] = [];
  for (const e of graph.events) {
    if (e.profileId !== merge.survivorId) {
      events.push(e);
      continue;
    }
    const before = merge.eventProfiles[e.eventId];
    if (before !== undefined) {
      events.push({ ...e, profileId: before });
      continue;
    }
    const owners = restored.map((id) => profiles[id]!).filter((p) => holdsAny(p, e.identifiers));
    const target = strongestOwner(owners, e.identifiers) ?? profiles[merge.survivorId]!;
    const brought = e.identifiers.filter((i) => gainedSince.delete(identifierKey(i)));
    profiles[target.profileId] = { ...target, identifiers: [...target.identifiers, ...brought] };
    events.push({ ...e, profileId: target.profileId });
  }
  const merges = graph.merges.map((m) => (m.mergeId === mergeId ? { ...m, undone: true } : m));
  return { ...graph, profiles, events, merges };
}

const holdsAny = (p: GraphProfile, identifiers: readonly Identifier[]): boolean => {
  const keys = new Set(p.identifiers.map(identifierKey));
  return identifiers.some((i) => keys.has(identifierKey(i)));
};

function strongestOwner(owners: readonly GraphProfile[], identifiers: readonly Identifier[]): GraphProfile | undefined {
  for (const i of byStrength(identifiers)) {
    const holders = owners
      .filter((p) => p.identifiers.some((h) => identifierKey(h) === identifierKey(i)))
      .sort(survivorOrder);
    if (holders[0]) return holders[0];
  }
  return undefined;
}

/** Which identifiers belong together, ignoring profile IDs: the thing that must not depend on event order. */
export function identifierPartition(graph: IdentityGraph): string[][] {
  return Object.values(graph.profiles)
    .map((p) => p.identifiers.map(identifierKey).sort())
    .filter((keys) => keys.length > 0)
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}
