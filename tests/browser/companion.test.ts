/**
 * The companion PWA end to end: the built app served by the real server, driven in Debian's Chromium.
 * Pair, go offline, sign a customer up with SMS consent, reload with no network, come back online and
 * check the server holds the customer and the consent exactly once; then revoke it and see the server
 * hold the revocation. When the server serves the shop's consent texts to devices, the shop publishes a
 * new SMS wording first and the tablet must show (and record) exactly that.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve, type ServerType } from "@hono/node-server";
import { startTestServer, testClock, type TestServer } from "@c360/server/test-support/harness";
import { customerPayload } from "@c360/server/test-support/payloads";
import { DEFAULT_CONSENT_TEXTS } from "@c360/shared";
import { sql } from "drizzle-orm";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIST = `${ROOT}pos-companion/dist/index.html`;
const SHOTS = `${ROOT}tests/test-results/companion`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const canRun = existsSync(CHROMIUM);

let t: TestServer;
let http: ServerType | null = null;
let port = 0;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const timings: Record<string, number> = {};
const SHOP = "shop-a.myshopify.com";
/** The SMS wording the tablet must show: the shop's newly published one when devices can fetch it, else the default. */
let smsText = { version: 1, text: DEFAULT_CONSENT_TEXTS.find((x) => x.channel === "sms")!.text };
let shopTexts = false;
let mayaId = "";

function listen(): Promise<void> {
  return new Promise((resolve) => {
    http = serve({ fetch: t.runtime.app.fetch, port, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      port = info.port;
      resolve();
    });
  });
}
function stopListening(): Promise<void> {
  return new Promise((resolve) => {
    const server = http as unknown as { close(cb: () => void): void; closeAllConnections?: () => void } | null;
    if (!server) return resolve();
    server.close(() => resolve());
    server.closeAllConnections?.();
    http = null;
  });
}

const rows = async <T>(q: ReturnType<typeof sql>): Promise<T[]> => {
  const db = t.runtime.db.db as unknown as { execute(q: unknown): Promise<{ rows?: T[] } | T[]> };
  const res = await db.execute(q);
  return Array.isArray(res) ? res : (res.rows ?? []);
};
const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
const pendingCount = () => page.getByTestId("pending-count").getAttribute("data-count").then(Number);

/** No network at all: the browser is offline, any request that still leaves is aborted, and the server is down. */
async function goOffline() {
  await context.setOffline(true);
  await context.route("**/*", (route) => route.abort("internetdisconnected"));
  await stopListening();
}
async function goOnline() {
  await listen();
  await context.unroute("**/*");
  await context.setOffline(false);
}

/**
 * Whether devices can fetch the shop's consent texts (another engineer lands `GET /api/sync/consent-texts`).
 * Asked with a throwaway device, since every /api/sync route but pairing wants a device token.
 */
async function deviceConsentTextsRoute(): Promise<boolean> {
  const { code } = (await (await t.api("POST", "/api/devices/pairing-codes", { body: {} })).json()) as { code: string };
  const paired = await t.runtime.app.request("/api/sync/pair", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code, deviceName: "Route probe" }) });
  const { token, deviceId } = (await paired.json()) as { token: string; deviceId: string };
  const res = await t.runtime.app.request("/api/sync/consent-texts", { headers: { authorization: `Bearer ${token}` } });
  await t.api("DELETE", `/api/devices/${deviceId}`);
  return res.status !== 404;
}

describe.skipIf(!canRun)("companion PWA offline capture", () => {
  beforeAll(async () => {
    if (!existsSync(DIST) || process.env.C360_REBUILD_COMPANION) {
      execFileSync("npx", ["vite", "build"], { cwd: `${ROOT}pos-companion`, stdio: "ignore" });
    }
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestServer({ clock: testClock(new Date()) });
    // A customer the shop already knows, so the tablet has something to find offline.
    await t.webhook("customers/create", customerPayload({ id: 7001, email: "ana.ruiz@gmail.com", phone: "+14155550123", firstName: "Ana", lastName: "Ruiz" }));
    await t.drain();
    shopTexts = await deviceConsentTextsRoute();
    if (shopTexts) {
      // The shop rewrites its SMS wording before the tablet is paired: the tablet must never show version 1.
      const text = "Corner Shop texts you offers, at most 2 a month. Msg & data rates may apply. Reply STOP to end.";
      const res = await t.api("POST", "/api/consent-texts", { body: { channel: "sms", locale: "en", text } });
      expect(res.status).toBe(201);
      const { text: published } = (await res.json()) as { text: { version: number; text: string } };
      expect(published.version).toBeGreaterThan(1);
      smsText = { version: published.version, text: published.text };
    }
    await listen();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    // A British-English tablet in a US shop: national phone numbers must be read in the shop's country
    // (from the pairing answer), not guessed from the tablet's locale.
    context = await browser.newContext({ viewport: { width: 1180, height: 820 }, locale: "en-GB", serviceWorkers: "allow" });
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    console.log("companion timings (ms):", JSON.stringify(timings), shopTexts ? "· SMS text published by the shop" : "· no /api/sync/consent-texts yet: default texts");
    await browser?.close();
    await stopListening();
    await t?.close();
  });

  it("serves an installable manifest with icons", async () => {
    const res = await fetch(`http://localhost:${port}/companion/manifest.webmanifest`);
    expect(res.headers.get("content-type")).toContain("application/manifest+json");
    const manifest = (await res.json()) as { start_url: string; scope: string; display: string; icons: { sizes: string; purpose?: string }[] };
    expect(manifest).toMatchObject({ start_url: "/companion/", scope: "/companion/", display: "standalone" });
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    expect(manifest.icons.some((i) => i.purpose === "maskable")).toBe(true);
    for (const icon of ["icon-192.png", "icon-512.png"]) expect((await fetch(`http://localhost:${port}/companion/icons/${icon}`)).headers.get("content-type")).toBe("image/png");
  });

  it("pairs with a code from the admin and downloads the shop's customers", async () => {
    const created = await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: "Market stall" } });
    expect(created.status).toBe(201);
    const { code } = await created.json();
    await page.goto(`http://localhost:${port}/companion/`);
    await page.getByLabel("Pairing code").fill(code);
    await shot("01-pair");
    await page.getByRole("button", { name: "Pair tablet" }).click();
    await expect.poll(() => page.getByText("Market stall").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // The service worker has precached the shell before we take the network away.
    // Typed loosely: this package compiles for Node, without DOM types.
    await page.evaluate("navigator.serviceWorker.ready.then(() => true)");
    await expect.poll(() => page.evaluate("!!navigator.serviceWorker.controller"), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.getByText("1 customers on this tablet").count(), { timeout: 15_000 }).toBe(1);
    expect(await page.evaluate("navigator.language")).toBe("en-GB");
    await shot("02-paired");
  }, 60_000);

  it("finds a pulled customer and signs up a new one with SMS consent while offline", async () => {
    await goOffline();
    await page.getByLabel("Name, email or phone").fill("4155550");
    await expect.poll(() => page.getByRole("button", { name: /Ana Ruiz/ }).count()).toBe(1);

    await page.getByRole("button", { name: "New customer" }).click();
    await page.getByLabel("First name").fill("Maya");
    await page.getByLabel("Last name").fill("Okafor");
    await page.getByLabel("Email").fill("  Maya.Okafor@Gmail.com ");
    await page.getByLabel("Phone").fill("(415) 555-0199");
    await shot("03-signup-offline");
    await page.getByRole("button", { name: "Save customer" }).click();
    await page.getByRole("heading", { name: "Maya Okafor" }).waitFor();
    timings.captureToIndexedDb = Number(await page.evaluate(`performance.getEntriesByName("c360:capture-saved")[0]?.duration ?? -1`));
    await expect.poll(() => page.getByText("maya.okafor@gmail.com").count()).toBe(1);
    await expect.poll(() => page.getByText("+14155550199").count()).toBe(1);

    await page.getByRole("button", { name: "Capture SMS consent" }).click();
    await expect.poll(() => page.locator("#consent-sms blockquote").textContent()).toBe(smsText.text);
    expect(await page.locator("#consent-sms").getByText(`(version ${smsText.version}, en)`, { exact: false }).count()).toBe(1);
    await page.getByLabel("The customer has read this and agrees").check();
    await page.getByRole("button", { name: "Confirm SMS consent" }).click();
    await page.getByText("SMS consent saved on this tablet.").waitFor();
    await expect.poll(pendingCount).toBe(2);
    await expect.poll(() => page.getByRole("status").filter({ hasText: "2 changes waiting to sync" }).count()).toBe(1);
    await shot("04-consent-offline");
  }, 60_000);

  it("reopens offline after a reload with the customer shown as pending", async () => {
    const started = Date.now();
    await page.reload();
    await page.locator("body[data-ready=true]").waitFor({ timeout: 20_000 });
    await page.getByLabel("Name, email or phone").waitFor();
    timings.reloadToUsableOffline = Date.now() - started;
    await expect.poll(pendingCount).toBe(2);
    await page.getByLabel("Name, email or phone").fill("maya");
    const result = page.getByRole("button", { name: /Maya Okafor/ });
    await result.waitFor();
    await expect.poll(() => result.getByText("Not synced yet").count()).toBe(1);
    await shot("05-reloaded-offline");
  }, 60_000);

  it("syncs everything once when the network comes back", async () => {
    await goOnline();
    await expect.poll(pendingCount, { timeout: 30_000 }).toBe(0);
    await page.getByRole("button", { name: /Maya Okafor/ }).click();
    await expect.poll(() => page.getByText("Synced", { exact: true }).count(), { timeout: 15_000 }).toBe(1);
    await shot("06-synced");
    await page.setViewportSize({ width: 820, height: 1180 });
    await shot("07-synced-portrait");

    // A second sync must not apply anything again.
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Sync now" }).isEnabled()).toBe(true);

    const shop = SHOP;
    const ids = await rows<{ profile_id: string }>(sql`SELECT profile_id FROM identifiers WHERE shop_id = ${shop} AND kind = 'email' AND value = 'maya.okafor@gmail.com'`);
    expect(ids).toHaveLength(1);
    const phone = await rows<{ profile_id: string }>(sql`SELECT profile_id FROM identifiers WHERE shop_id = ${shop} AND kind = 'phone' AND value = '+14155550199'`);
    expect(phone.map((r) => r.profile_id)).toEqual([ids[0]!.profile_id]);
    const consents = await rows<{ channel: string; action: string; text_version: number; source: string; text: string }>(
      sql`SELECT channel, action, text_version, source, text FROM consents WHERE shop_id = ${shop} AND profile_id = ${ids[0]!.profile_id}`,
    );
    expect(consents.map((c) => [c.channel, c.action, Number(c.text_version)])).toEqual([["sms", "granted", smsText.version]]);
    expect(consents[0]!.text).toBe(smsText.text);
    const mutations = await rows<{ n: number | string }>(sql`SELECT count(*) AS n FROM sync_mutations WHERE shop_id = ${shop}`);
    expect(Number(mutations[0]!.n)).toBe(2);
    mayaId = ids[0]!.profile_id;
  }, 90_000);

  it("revokes SMS consent on the tablet and the server holds the revocation after sync", async () => {
    expect(mayaId).not.toBe("");
    await expect.poll(() => page.locator("li.consent").filter({ hasText: "SMS" }).getByText("Opted in", { exact: true }).count()).toBe(1);
    await page.getByRole("button", { name: "Revoke SMS consent" }).click();
    await expect.poll(() => page.locator("#consent-sms blockquote").textContent()).toBe(smsText.text);
    await page.getByLabel("The customer asks to stop SMS messages").check();
    await page.getByRole("button", { name: "Confirm SMS revocation" }).click();
    await page.getByText("SMS consent revoked on this tablet.").waitFor();
    await expect.poll(() => page.locator("li.consent").filter({ hasText: "SMS" }).getByText("Not opted in", { exact: true }).count()).toBe(1);
    await shot("08-sms-revoked");
    await expect.poll(pendingCount, { timeout: 30_000 }).toBe(0);

    const ledger = await rows<{ channel: string; action: string; text_version: number; text: string }>(
      sql`SELECT channel, action, text_version, text FROM consents WHERE shop_id = ${SHOP} AND profile_id = ${mayaId} ORDER BY acted_at, received_at`,
    );
    expect(ledger.map((c) => [c.channel, c.action])).toEqual([
      ["sms", "granted"],
      ["sms", "revoked"],
    ]);
    expect(Number(ledger[1]!.text_version)).toBe(smsText.version);
    // The server's view agrees: SMS is no longer granted.
    const consents = (await (await t.api("GET", `/api/profiles/${mayaId}/consents`)).json()) as { current: Record<string, { granted: boolean }> };
    expect(consents.current.sms?.granted).toBe(false);
    // And the pulled profile on the tablet still says so after a fresh sync.
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Sync now" }).isEnabled()).toBe(true);
    await expect.poll(() => page.locator("li.consent").filter({ hasText: "SMS" }).getByText("Not opted in", { exact: true }).count()).toBe(1);
    await shot("09-revocation-synced");
  }, 60_000);
});
