import {
  agencyGrantSchema,
  agencyRollupSchema,
  consentTextListSchema,
  consentTextPublishedSchema,
  customerListSchema,
  customerProfileSchema,
  dataInventorySchema,
  deadLetterListSchema,
  deliveryHealthSchema,
  deviceListSchema,
  deviceRevokedSchema,
  duplicateDecisionSchema,
  duplicateListSchema,
  erasureDoneSchema,
  erasurePreviewSchema,
  mergeDoneSchema,
  mergeListSchema,
  mergeUndoneSchema,
  messagingKeyCreatedSchema,
  messagingKeyListSchema,
  messagingKeySchema,
  pairingCodeResponseSchema,
  profileConsentsSchema,
  profileExplanationSchema,
  settingsAnswerSchema,
  settingsSavedSchema,
  shopDashboardSchema,
  shopifyStatusSchema,
  shopLocationListSchema,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload, orderPayload } from "../test-support/payloads";

/**
 * The admin types every answer by a shared wire schema (#18): each answer here must be exactly what its
 * schema describes. Parsing drops keys a schema does not name, so an answer equal to its parse has no
 * field the admin does not know of, and a parse that throws is a field the admin reads wrongly.
 */
describe(`the admin's answers match the shared wire schemas (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  async function answer<S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown) {
    const res = await t.api(method, path, body === undefined ? {} : { body });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    const json = await res.json();
    expect(schema.parse(json), `${method} ${path}`).toEqual(json);
    return json as z.infer<S>;
  }

  it("answers customers, duplicates, merges, consents and erasure as the admin reads them", async () => {
    for (const id of [301, 302]) {
      await t.webhook("customers/create", customerPayload({ id, email: `c${id}@example.com`, firstName: "Twin" }));
    }
    await t.webhook("orders/create", orderPayload({ id: 401, customerId: 301, total: "20.00" }));
    await t.drain();
    const walkIn = { identifiers: { email: "walkin@x.com" }, eventId: "walk-in-1" };
    const identified = await t.api("POST", "/api/identify", { body: walkIn });
    expect(identified.status).toBe(200);
    const walkInId = (await identified.json()).profileId as string;
    const list = await answer(customerListSchema, "GET", "/api/profiles");
    const profileId = list.profiles.find((p) => p.orderCount === 1)!.profileId;
    const other = list.profiles.find((p) => p.profileId !== profileId && p.profileId !== walkInId)!.profileId;
    await answer(customerProfileSchema, "GET", `/api/profiles/${profileId}`);
    await answer(profileExplanationSchema, "GET", `/api/profiles/${profileId}/explain`);
    // The queue's own scan is tested elsewhere; here two candidates are set down as it writes them.
    for (const [id, a, b] of [
      ["cand-merge", profileId, walkInId],
      ["cand-dismiss", profileId, other],
    ] as const) {
      await t.runtime.db.db.execute(sql`INSERT INTO merge_candidates
        (shop_id, id, profile_id, other_profile_id, kind, reason, evidence, score, created_at)
        VALUES (${SHOP_A}, ${id}, ${a}, ${b}, 'probabilistic', 'same name', '{"weight": 9.5}'::jsonb, 0.9,
          ${t.clock()})`);
    }
    const queue = await answer(duplicateListSchema, "GET", "/api/duplicates");
    expect(queue.duplicates.map((d) => d.id).sort()).toEqual(["cand-dismiss", "cand-merge"]);
    const dismissed = await answer(duplicateDecisionSchema, "POST", "/api/duplicates/cand-dismiss/dismiss");
    expect(dismissed.status).toBe("dismissed");
    const merged = await answer(mergeDoneSchema, "POST", "/api/duplicates/cand-merge/merge", {});
    expect((await answer(mergeListSchema, "GET", "/api/merges?limit=50")).merges).toHaveLength(1);
    const undone = await answer(mergeUndoneSchema, "POST", `/api/merges/${merged.mergeId}/undo`);
    expect(undone.mergeId).toBe(merged.mergeId);
    const texts = await answer(consentTextListSchema, "GET", "/api/consent-texts");
    const shown = texts.texts.find((x) => x.channel === "email")!;
    const capture = { id: crypto.randomUUID(), profileId, channel: "email", action: "granted", source: "admin" };
    const granted = await t.api("POST", "/api/consents", {
      body: { ...capture, textVersion: shown.version, text: shown.text, actedAt: t.clock().toISOString() },
    });
    expect(granted.status).toBeLessThan(300);
    const consents = await answer(profileConsentsSchema, "GET", `/api/profiles/${profileId}/consents`);
    expect(consents.history).toHaveLength(1);
    expect(consents.current.email.granted).toBe(true);
    await answer(dataInventorySchema, "GET", "/api/gdpr/inventory");
    const preview = await answer(erasurePreviewSchema, "GET", `/api/gdpr/profiles/${profileId}/preview`);
    expect(Object.keys(preview.willChange).length).toBeGreaterThan(0);
    expect((await answer(erasureDoneSchema, "POST", `/api/gdpr/profiles/${profileId}/erase`, {})).erased).toBe(true);
  });

  it("answers settings, consent texts, tablets, webhooks, Shopify, keys and the dashboard as read", async () => {
    await answer(settingsAnswerSchema, "GET", "/api/settings");
    const saved = await answer(settingsSavedSchema, "PUT", "/api/settings", { lifecycle: { atRiskDays: 45 } });
    expect(saved.settings.lifecycle.atRiskDays).toBe(45);
    await answer(consentTextListSchema, "GET", "/api/consent-texts");
    const text = { channel: "sms", locale: "en", text: "Texts about offers, at most one a day." };
    expect((await answer(consentTextPublishedSchema, "POST", "/api/consent-texts", text)).text.version).toBe(2);
    const { code } = await answer(pairingCodeResponseSchema, "POST", "/api/devices/pairing-codes", {});
    const paired = await (
      await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Till tablet" } })
    ).json();
    expect((await answer(deviceListSchema, "GET", "/api/devices")).devices).toHaveLength(1);
    const revoked = await answer(deviceRevokedSchema, "DELETE", `/api/devices/${paired.deviceId}`);
    expect(revoked.deviceId).toBe(paired.deviceId);
    await answer(shopLocationListSchema, "GET", "/api/devices/locations");
    await answer(deliveryHealthSchema, "GET", "/api/webhooks/health");
    await answer(deadLetterListSchema, "GET", "/api/webhooks/dead");
    await answer(shopifyStatusSchema, "GET", "/api/shopify/status");
    const created = await answer(messagingKeyCreatedSchema, "POST", "/api/messaging-keys", { name: "Klaviyo" });
    expect((await answer(messagingKeyListSchema, "GET", "/api/messaging-keys")).keys).toHaveLength(1);
    expect((await answer(messagingKeySchema, "POST", `/api/messaging-keys/${created.id}/revoke`)).revokedAt).not.toBe(
      null,
    );
    await answer(shopDashboardSchema, "GET", "/api/dashboard");
    await answer(agencyGrantSchema, "POST", "/api/agency/grants", { userId: "staff-1" });
    const rollup = await answer(agencyRollupSchema, "GET", "/api/agency/rollup");
    expect(rollup.shops.map((shop) => shop.shopId)).toEqual([SHOP_A]);
  });
});
