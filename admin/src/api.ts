import { currentToken } from "./session";
import type { AgencyRollup, ShopDashboard } from "./dashboard-view";
import type {
  CustomerList,
  CustomerProfile,
  DataInventory,
  MergeRecord,
  ProfileExplanation,
  RecomputeStatus,
} from "@c360/shared/wire/admin";
import { searchParams, type CustomerFilters, type SettingsLike } from "./view-model";

export type { CustomerList, CustomerProfile, DataInventory, MergeRecord, ProfileExplanation, RecomputeStatus };

/** Every server call of the admin: same origin, JSON, `Authorization: Bearer <session token>`. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Per-field refusals in words (settings answer these), keyed by the field they are about. */
    readonly fields: { field: string | null; message: string }[] = [],
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<{ data: T; response: Response }> {
  const token = await currentToken();
  if (!token)
    throw new ApiError(401, "no_token", "No session token yet: paste one above, or open the admin from Shopify.");
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(
      response.status,
      "not_json",
      `The server answered ${response.status} with something that is not JSON.`,
    );
  }
  if (!response.ok) {
    const err = (data ?? {}) as {
      error?: string;
      message?: string;
      fields?: { field: string | null; message: string }[];
    };
    const fields = Array.isArray(err.fields) ? err.fields : [];
    throw new ApiError(
      response.status,
      err.error ?? "http_error",
      err.message ?? `The server answered ${response.status}.`,
      fields,
    );
  }
  return { data: data as T, response };
}

const get = async <T>(path: string) => (await call<T>("GET", path)).data;
const send = async <T>(method: string, path: string, body?: unknown) => (await call<T>(method, path, body)).data;
const id = encodeURIComponent;

// ----- Customers -------------------------------------------------------------------------------------------

export type { CustomerFilters as ProfileSearch } from "./view-model";
export const searchProfiles = (f: CustomerFilters & { limit?: number; offset?: number }) =>
  get<CustomerList>(`/api/profiles${searchParams(f)}`);

/**
 * A merged profile answers 301 {mergedInto}; the browser follows it on its own (same origin keeps the
 * header), so `mergedInto` is set when the profile we got is not the one we asked for.
 */
export async function getProfile(profileId: string): Promise<{ profile: CustomerProfile; mergedInto: string | null }> {
  const { data } = await call<CustomerProfile | { mergedInto: string }>("GET", `/api/profiles/${id(profileId)}`);
  if ("mergedInto" in data && !("profileId" in data && "identifiers" in data)) {
    const next = await get<CustomerProfile>(`/api/profiles/${id(data.mergedInto)}`);
    return { profile: next, mergedInto: data.mergedInto };
  }
  const profile = data as CustomerProfile;
  return { profile, mergedInto: profile.profileId !== profileId ? profile.profileId : null };
}

export const explainProfile = (profileId: string) => get<ProfileExplanation>(`/api/profiles/${id(profileId)}/explain`);

export interface ConsentRow {
  id?: string;
  channel: string;
  action: string;
  actedAt?: string;
  receivedAt?: string;
  source?: string | null;
  text?: string | null;
  textVersion?: string | number | null;
  [key: string]: unknown;
}
export const profileConsents = (profileId: string) =>
  get<{
    profileId: string;
    current: Record<string, { granted: boolean; since: string | null }>;
    history: ConsentRow[];
  }>(`/api/profiles/${id(profileId)}/consents`);

// ----- Duplicates and merges -------------------------------------------------------------------------------

export interface DuplicatePerson {
  profileId: string;
  status: string;
  firstName: string | null;
  lastName: string | null;
  orderCount: number;
  identifiers: { kind: string; value: string }[];
}
/** One field of a probabilistic duplicate: what agreed or differed, in words, and its weight. */
export interface FieldEvidence {
  field: string;
  verdict: "agrees" | "close" | "differs";
  weight: number;
  words: string;
}
export interface Duplicate {
  id: string;
  kind: string;
  /** Two Shopify customers are merged in Shopify (customerMerge); otherwise here. Once sent, the pair waits. */
  action: "merge" | "merge_in_shopify" | "waiting_for_shopify";
  /** When "Merge in Shopify" was sent (the pair then waits for Shopify's customers/merge webhook). */
  sentToShopifyAt: string | null;
  reason: string;
  /** A probabilistic duplicate's match weight and per-field evidence; a conflict's identifiers. */
  evidence: { weight?: number; fields?: FieldEvidence[] } | unknown;
  score: number | null;
  createdAt: string | null;
  profiles: [DuplicatePerson | null, DuplicatePerson | null];
}
export const listDuplicates = (offset = 0, limit = 25) =>
  get<{ total: number; shopifyConnected: boolean; duplicates: Duplicate[] }>(
    `/api/duplicates?limit=${limit}&offset=${offset}`,
  );
export const mergeDuplicateInShopify = (duplicateId: string) =>
  send<{ id: string; status: string }>("POST", `/api/duplicates/${id(duplicateId)}/merge-in-shopify`, {});
export const mergeDuplicate = (duplicateId: string) =>
  send<{ mergeId: string; survivorId: string; mergedId: string; undoableUntil: string }>(
    "POST",
    `/api/duplicates/${id(duplicateId)}/merge`,
    {},
  );
export const dismissDuplicate = (duplicateId: string) =>
  send<{ id: string; status: string }>("POST", `/api/duplicates/${id(duplicateId)}/dismiss`);

export const listMerges = (profileId?: string) =>
  get<{ merges: MergeRecord[] }>(`/api/merges?limit=50${profileId ? `&profileId=${id(profileId)}` : ""}`);
export const undoMerge = (mergeId: string) => send<Record<string, unknown>>("POST", `/api/merges/${id(mergeId)}/undo`);

// ----- GDPR ------------------------------------------------------------------------------------------------

/** Rows each erasure step would change, by step name. */
export const gdprPreview = (profileId: string) =>
  get<{ profileId: string; willChange: Record<string, number> }>(`/api/gdpr/profiles/${id(profileId)}/preview`);
export const gdprErase = (profileId: string) =>
  send<{ erased: boolean; profileId: string; changed: Record<string, number> }>(
    "POST",
    `/api/gdpr/profiles/${id(profileId)}/erase`,
    {},
  );
export const gdprInventory = () => get<DataInventory>(`/api/gdpr/inventory`);
/** The export document as a file the merchant can save. */
export async function gdprExportBlob(profileId: string): Promise<Blob> {
  const data = await get<unknown>(`/api/gdpr/profiles/${id(profileId)}/export`);
  return new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
}

// ----- Settings and consent texts --------------------------------------------------------------------------

export type Settings = SettingsLike & { currency: string } & Record<string, unknown>;
export type SettingsEffects = { restaged?: number; stageChanged?: number; appliesToNewEvents?: string[] };
export const getSettings = () => get<{ settings: Settings; overrides: Record<string, unknown> }>(`/api/settings`);
export const putSettings = (patch: Record<string, unknown>) =>
  send<{ settings: Settings; overrides: Record<string, unknown>; effects: SettingsEffects }>(
    "PUT",
    `/api/settings`,
    patch,
  );

export interface ConsentText {
  channel: string;
  locale: string;
  text: string;
  version?: string | number;
  [key: string]: unknown;
}
export const listConsentTexts = () => get<{ texts: ConsentText[] }>(`/api/consent-texts`);
export const publishConsentText = (t: { channel: string; locale: string; text: string }) =>
  send<{ text: ConsentText }>("POST", `/api/consent-texts`, t);

// ----- Devices ---------------------------------------------------------------------------------------------

export interface Device {
  deviceId: string;
  name: string;
  locationId: string | null;
  createdAt: string | null;
  lastSyncAt: string | null;
  revokedAt: string | null;
  status: "active" | "revoked";
  lastSeq: number;
  rejectedMutations: number;
}
export const createPairingCode = (locationId?: string) =>
  send<{ code: string; expiresAt: string; locationId: string | null }>(
    "POST",
    `/api/devices/pairing-codes`,
    locationId ? { locationId } : {},
  );
export const listDevices = () => get<{ devices: Device[] }>(`/api/devices`);
/** The shop's store locations by name (Shopify's, and those seen on visits, orders and tablets). */
export const listLocations = () =>
  get<{ locations: { id: string; name: string; named: boolean }[] }>(`/api/devices/locations`);
export const revokeDevice = (deviceId: string) =>
  send<{ deviceId: string; revokedAt: string }>("DELETE", `/api/devices/${id(deviceId)}`);

// ----- Webhooks --------------------------------------------------------------------------------------------

export const webhookHealth = () => get<Record<string, number>>(`/api/webhooks/health`);
export interface DeadLetter {
  id: string;
  kind: string;
  deliveryId: string;
  topic: string | null;
  attempts: number;
  lastError: string;
  failedAt: string;
}
export const deadLetters = () => get<{ deadLetters: DeadLetter[] }>(`/api/webhooks/dead`);
export const retryDeadLetter = (deadId: string) =>
  send<{ ok: boolean }>("POST", `/api/webhooks/dead/${id(deadId)}/retry`);

// ----- Dashboard and agency roll-up -----------------------------------------------------------------------

/** Every figure of the dashboard in one request: lifecycle, POS vs online mix, fatigue posture and coverage. */
export const getDashboard = () => get<ShopDashboard>(`/api/dashboard`);
/** The same figures for every shop that granted the signed-in Shopify user, this shop first among them. */
/** "Recompute now": the whole-shop pass on the server's queue, and its progress by job id. */
export const requestRecompute = () => send<RecomputeStatus>("POST", `/api/dashboard/recompute`);
export const recomputeProgress = (jobId: string) => get<RecomputeStatus>(`/api/dashboard/recompute/${id(jobId)}`);
export const getAgencyRollup = () => get<AgencyRollup>(`/api/agency/rollup`);
/** This shop lets a Shopify user (an agency) see its dashboard figures in their roll-up. */
export const grantAgencyUser = (userId: string) =>
  send<{ shopId: string; userId: string }>("POST", `/api/agency/grants`, { userId: userId.trim() });
export const revokeAgencyUser = (userId: string) => send<null>("DELETE", `/api/agency/grants/${id(userId.trim())}`);

/** The Shopify connection: backfill progress ("Sync from Shopify") and Admin API jobs waiting or failed. */
export interface ShopifyBackfill {
  id: string;
  status: string;
  customers: number;
  orders: number;
  linesRead: number;
  linesTotal: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  elapsedSeconds: number;
}
export interface ShopifyJob {
  id?: string;
  kind: string;
  ref: string;
  attempts: number;
  lastError: string | null;
  retryAt?: string | null;
  failedAt?: string;
}
export interface ShopifyStatus {
  connected: boolean;
  scope: string | null;
  connectedAt: string | null;
  backfill: ShopifyBackfill | null;
  pendingJobs: ShopifyJob[];
  failedJobs: ShopifyJob[];
}
export const shopifyStatus = () => get<ShopifyStatus>(`/api/shopify/status`);
export const syncFromShopify = () =>
  send<{ backfill: ShopifyBackfill; started: boolean }>("POST", `/api/shopify/backfill`);

// ----- Messaging API keys (components/MessagingKeys.tsx) ---------------------------------------------------

export interface MessagingKey {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export const listMessagingKeys = () => get<{ keys: MessagingKey[] }>("/api/messaging-keys");
/** The answer is the only time the full key exists outside the merchant's tool. */
export const createMessagingKey = (name: string) =>
  send<MessagingKey & { key: string }>("POST", "/api/messaging-keys", { name });
export const revokeMessagingKey = (keyId: string) =>
  send<MessagingKey>("POST", `/api/messaging-keys/${id(keyId)}/revoke`);
