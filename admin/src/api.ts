import { currentToken } from "./session";
import type { AgencyRollup, ShopDashboard } from "./dashboard-view";
import type {
  CustomerList,
  CustomerProfile,
  DataInventory,
  MergeList,
  MergeRecord,
  ProfileConsents,
  ProfileExplanation,
  RecomputeStatus,
} from "@c360/shared/wire/admin";
import type {
  AgencyGrant,
  ConsentTextList,
  ConsentTextPublished,
  DeadLetter,
  DeadLetterList,
  DeadLetterRequeued,
  DeliveryHealth,
  Device,
  DeviceList,
  DeviceRevoked,
  ErasureDone,
  ErasurePreview,
  SettingsAnswer,
  SettingsSaved,
  ShopifyBackfill,
  ShopifyStatus,
  ShopifySyncStarted,
  ShopLocationList,
} from "@c360/shared/wire/admin-shop";
import type {
  Duplicate,
  DuplicateDecision,
  DuplicateList,
  DuplicatePerson,
  MergeDone,
  MergeUndone,
} from "@c360/shared/wire/duplicates";
import type { MessagingKeyCreated, MessagingKeyList, MessagingKeyView } from "@c360/shared/wire/signals";
import type { PairingCode } from "@c360/shared/wire/sync";
import { searchParams, type CustomerFilters } from "./view-model";

export type { FieldEvidence } from "@c360/shared";
export type { CustomerList, CustomerProfile, DataInventory, MergeRecord, ProfileExplanation, RecomputeStatus };
export type { DeadLetter, Device, Duplicate, DuplicatePerson, ShopifyBackfill, ShopifyStatus };
export type Settings = SettingsAnswer["settings"];
export type MessagingKey = MessagingKeyView;

/**
 * Every server call of the admin: same origin, JSON, `Authorization: Bearer <session token>`. Each answer is
 * typed by the shared wire schema the server answers with (`@c360/shared/wire/*`), never by hand here.
 */

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

export const profileConsents = (profileId: string) => get<ProfileConsents>(`/api/profiles/${id(profileId)}/consents`);

// ----- Duplicates and merges -------------------------------------------------------------------------------

export const listDuplicates = (offset = 0, limit = 25) =>
  get<DuplicateList>(`/api/duplicates?limit=${limit}&offset=${offset}`);
export const mergeDuplicateInShopify = (duplicateId: string) =>
  send<DuplicateDecision>("POST", `/api/duplicates/${id(duplicateId)}/merge-in-shopify`, {});
export const mergeDuplicate = (duplicateId: string) =>
  send<MergeDone>("POST", `/api/duplicates/${id(duplicateId)}/merge`, {});
export const dismissDuplicate = (duplicateId: string) =>
  send<DuplicateDecision>("POST", `/api/duplicates/${id(duplicateId)}/dismiss`);

export const listMerges = (profileId?: string) =>
  get<MergeList>(`/api/merges?limit=50${profileId ? `&profileId=${id(profileId)}` : ""}`);
export const undoMerge = (mergeId: string) => send<MergeUndone>("POST", `/api/merges/${id(mergeId)}/undo`);

// ----- GDPR ------------------------------------------------------------------------------------------------

/** Rows each erasure step would change, by step name. */
export const gdprPreview = (profileId: string) => get<ErasurePreview>(`/api/gdpr/profiles/${id(profileId)}/preview`);
export const gdprErase = (profileId: string) =>
  send<ErasureDone>("POST", `/api/gdpr/profiles/${id(profileId)}/erase`, {});
export const gdprInventory = () => get<DataInventory>(`/api/gdpr/inventory`);
/** The export document as a file the merchant can save. */
export async function gdprExportBlob(profileId: string): Promise<Blob> {
  const data = await get<unknown>(`/api/gdpr/profiles/${id(profileId)}/export`);
  return new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
}

// ----- Settings and consent texts --------------------------------------------------------------------------

export const getSettings = () => get<SettingsAnswer>(`/api/settings`);
export const putSettings = (patch: Record<string, unknown>) => send<SettingsSaved>("PUT", `/api/settings`, patch);

export const listConsentTexts = () => get<ConsentTextList>(`/api/consent-texts`);
export const publishConsentText = (t: { channel: string; locale: string; text: string }) =>
  send<ConsentTextPublished>("POST", `/api/consent-texts`, t);

// ----- Devices ---------------------------------------------------------------------------------------------

export const createPairingCode = (locationId?: string) =>
  send<PairingCode>("POST", `/api/devices/pairing-codes`, locationId ? { locationId } : {});
export const listDevices = () => get<DeviceList>(`/api/devices`);
/** The shop's store locations by name (Shopify's, and those seen on visits, orders and tablets). */
export const listLocations = () => get<ShopLocationList>(`/api/devices/locations`);
export const revokeDevice = (deviceId: string) => send<DeviceRevoked>("DELETE", `/api/devices/${id(deviceId)}`);

// ----- Webhooks --------------------------------------------------------------------------------------------

export const webhookHealth = () => get<DeliveryHealth>(`/api/webhooks/health`);
export const deadLetters = () => get<DeadLetterList>(`/api/webhooks/dead`);
export const retryDeadLetter = (deadId: string) =>
  send<DeadLetterRequeued>("POST", `/api/webhooks/dead/${id(deadId)}/retry`);

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
  send<AgencyGrant>("POST", `/api/agency/grants`, { userId: userId.trim() });
export const revokeAgencyUser = (userId: string) => send<null>("DELETE", `/api/agency/grants/${id(userId.trim())}`);

/** The Shopify connection: backfill progress ("Sync from Shopify") and Admin API jobs waiting or failed. */
export const shopifyStatus = () => get<ShopifyStatus>(`/api/shopify/status`);
export const syncFromShopify = () => send<ShopifySyncStarted>("POST", `/api/shopify/backfill`);

// ----- Messaging API keys (components/MessagingKeys.tsx) ---------------------------------------------------

export const listMessagingKeys = () => get<MessagingKeyList>("/api/messaging-keys");
/** The answer is the only time the full key exists outside the merchant's tool. */
export const createMessagingKey = (name: string) => send<MessagingKeyCreated>("POST", "/api/messaging-keys", { name });
export const revokeMessagingKey = (keyId: string) =>
  send<MessagingKeyView>("POST", `/api/messaging-keys/${id(keyId)}/revoke`);
