/**
 * The companion PWA end to end: the built app served by the real server, driven in Debian's Chromium.
 * Pair, go offline, sign a customer up with SMS consent, reload with no network, come back online and
 * check the server holds the customer and the consent exactly once; then revoke it and see the server
 * hold the revocation. When the server serves the shop's consent texts to devices, the shop publishes a
 * new SMS wording first and the tablet must show (and record) exactly that.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
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

const CAMERA = `${SHOTS}/camera.y4m`;
const requireFromAdmin = createRequire(`${ROOT}admin/package.json`);
const QRCode = requireFromAdmin("qrcode") as {
  create(text: string): { modules: { size: number; get(r: number, c: number): number } };
};

/**
 * A Y4M video (what Chromium's fake camera plays) showing `code` as a QR code, dark on white, 640x480,
 * the way a tablet camera would see the admin's screen; `null` writes a blank frame.
 */
function writeQrVideo(code: string | null) {
  const w = 640;
  const h = 480;
  const y = Buffer.alloc(w * h, 235);
  if (code) {
    const { modules } = QRCode.create(code);
    const scale = 8;
    const x0 = Math.floor((w - modules.size * scale) / 2);
    const y0 = Math.floor((h - modules.size * scale) / 2);
    for (let r = 0; r < modules.size; r++)
      for (let c = 0; c < modules.size; c++)
        if (modules.get(r, c))
          for (let dy = 0; dy < scale; dy++)
            y.fill(16, (y0 + r * scale + dy) * w + x0 + c * scale, (y0 + r * scale + dy) * w + x0 + (c + 1) * scale);
  }
  const chroma = Buffer.alloc((w / 2) * (h / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), y, chroma]);
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(CAMERA, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]));
}

/** What IndexedDB holds on the tablet, read in the page. */
const idbCount = (store: string) =>
  page.evaluate(`new Promise((resolve) => {
    const open = indexedDB.open("c360-companion");
    open.onsuccess = () => {
      const req = open.result.transaction("${store}").objectStore("${store}").count();
      req.onsuccess = () => { resolve(req.result); open.result.close(); };
    };
  })`) as Promise<number>;

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
  const paired = await t.runtime.app.request("/api/sync/pair", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code, deviceName: "Route probe" }),
  });
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
    await t.webhook(
      "customers/create",
      customerPayload({
        id: 7001,
        email: "ana.ruiz@gmail.com",
        phone: "+14155550123",
        firstName: "Ana",
        lastName: "Ruiz",
      }),
    );
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
    // The camera is a file: the pairing step writes the admin's QR code into it before the tablet scans.
    writeQrVideo(null);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        `--use-file-for-fake-video-capture=${CAMERA}`,
      ],
    });
    // A British-English tablet in a US shop: national phone numbers must be read in the shop's country
    // (from the pairing answer), not guessed from the tablet's locale.
    context = await browser.newContext({
      viewport: { width: 1180, height: 820 },
      locale: "en-GB",
      serviceWorkers: "allow",
    });
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    console.log(
      "companion timings (ms):",
      JSON.stringify(timings),
      shopTexts ? "· SMS text published by the shop" : "· no /api/sync/consent-texts yet: default texts",
    );
    await browser?.close();
    await stopListening();
    await t?.close();
  });

  it("serves an installable manifest with icons", async () => {
    const res = await fetch(`http://localhost:${port}/companion/manifest.webmanifest`);
    expect(res.headers.get("content-type")).toContain("application/manifest+json");
    const manifest = (await res.json()) as {
      start_url: string;
      scope: string;
      display: string;
      icons: { sizes: string; purpose?: string }[];
    };
    expect(manifest).toMatchObject({ start_url: "/companion/", scope: "/companion/", display: "standalone" });
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    expect(manifest.icons.some((i) => i.purpose === "maskable")).toBe(true);
    for (const icon of ["icon-192.png", "icon-512.png"])
      expect((await fetch(`http://localhost:${port}/companion/icons/${icon}`)).headers.get("content-type")).toBe(
        "image/png",
      );
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
    expect(await page.getByTestId("network").getAttribute("data-online")).toBe("true");
    const wentOffline = Date.now();
    await goOffline();
    // Issue #20 item 6: offline is shown at once, before any sync has failed.
    await expect.poll(() => page.getByTestId("network").getAttribute("data-online"), { timeout: 1_000 }).toBe("false");
    timings.offlineShown = Date.now() - wentOffline;
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
    timings.captureToIndexedDb = Number(
      await page.evaluate(`performance.getEntriesByName("c360:capture-saved")[0]?.duration ?? -1`),
    );
    await expect.poll(() => page.getByText("maya.okafor@gmail.com").count()).toBe(1);
    await expect.poll(() => page.getByText("+14155550199").count()).toBe(1);

    await page.getByRole("button", { name: "Capture SMS consent" }).click();
    await expect.poll(() => page.locator("#consent-sms blockquote").textContent()).toBe(smsText.text);
    expect(
      await page.locator("#consent-sms").getByText(`(version ${smsText.version}, en)`, { exact: false }).count(),
    ).toBe(1);
    await page.getByLabel("The customer has read this and agrees").check();
    await page.getByRole("button", { name: "Confirm SMS consent" }).click();
    await page.getByText("SMS consent saved on this tablet.").waitFor();
    // Issue #20 item 6: not "Opted in" before the server has it, and the waiting changes are listed.
    await expect
      .poll(() =>
        page.locator("li.consent").filter({ hasText: "SMS" }).getByText("Opt-in pending sync", { exact: true }).count(),
      )
      .toBe(1);
    await page.getByText("Show waiting changes").click();
    expect(
      await page.getByRole("list", { name: "Changes waiting to sync" }).getByRole("listitem").allTextContents(),
    ).toEqual([
      expect.stringContaining("Customer details · Maya Okafor"),
      expect.stringContaining("SMS consent given · Maya Okafor"),
    ]);
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
    const ids = await rows<{ profile_id: string }>(
      sql`SELECT profile_id FROM identifiers WHERE shop_id = ${shop} AND kind = 'email'
        AND value = 'maya.okafor@gmail.com'`,
    );
    expect(ids).toHaveLength(1);
    const phone = await rows<{ profile_id: string }>(
      sql`SELECT profile_id FROM identifiers WHERE shop_id = ${shop} AND kind = 'phone' AND value = '+14155550199'`,
    );
    expect(phone.map((r) => r.profile_id)).toEqual([ids[0]!.profile_id]);
    const consents = await rows<{
      channel: string;
      action: string;
      text_version: number;
      source: string;
      text: string;
    }>(
      sql`SELECT channel, action, text_version, source, text FROM consents WHERE shop_id = ${shop}
        AND profile_id = ${ids[0]!.profile_id}`,
    );
    expect(consents.map((c) => [c.channel, c.action, Number(c.text_version)])).toEqual([
      ["sms", "granted", smsText.version],
    ]);
    expect(consents[0]!.text).toBe(smsText.text);
    const mutations = await rows<{ n: number | string }>(
      sql`SELECT count(*) AS n FROM sync_mutations WHERE shop_id = ${shop}`,
    );
    expect(Number(mutations[0]!.n)).toBe(2);
    mayaId = ids[0]!.profile_id;
  }, 90_000);

  it("revokes SMS consent on the tablet and the server holds the revocation after sync", async () => {
    expect(mayaId).not.toBe("");
    await expect
      .poll(() => page.locator("li.consent").filter({ hasText: "SMS" }).getByText("Opted in", { exact: true }).count())
      .toBe(1);
    await page.getByRole("button", { name: "Revoke SMS consent" }).click();
    await expect.poll(() => page.locator("#consent-sms blockquote").textContent()).toBe(smsText.text);
    await page.getByLabel("The customer asks to stop SMS messages").check();
    await page.getByRole("button", { name: "Confirm SMS revocation" }).click();
    await page.getByText("SMS consent revoked on this tablet.").waitFor();
    await expect
      .poll(() =>
        page.locator("li.consent").filter({ hasText: "SMS" }).getByText("Not opted in", { exact: true }).count(),
      )
      .toBe(1);
    await shot("08-sms-revoked");
    await expect.poll(pendingCount, { timeout: 30_000 }).toBe(0);

    const ledger = await rows<{ channel: string; action: string; text_version: number; text: string }>(
      sql`SELECT channel, action, text_version, text FROM consents WHERE shop_id = ${SHOP} AND profile_id = ${mayaId}
        ORDER BY acted_at, received_at`,
    );
    expect(ledger.map((c) => [c.channel, c.action])).toEqual([
      ["sms", "granted"],
      ["sms", "revoked"],
    ]);
    expect(Number(ledger[1]!.text_version)).toBe(smsText.version);
    // The server's view agrees: SMS is no longer granted.
    const consents = (await (await t.api("GET", `/api/profiles/${mayaId}/consents`)).json()) as {
      current: Record<string, { granted: boolean }>;
    };
    expect(consents.current.sms?.granted).toBe(false);
    // And the pulled profile on the tablet still says so after a fresh sync.
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Sync now" }).isEnabled()).toBe(true);
    await expect
      .poll(() =>
        page.locator("li.consent").filter({ hasText: "SMS" }).getByText("Not opted in", { exact: true }).count(),
      )
      .toBe(1);
    await shot("09-revocation-synced");
  }, 60_000);
  it("pushes a customer saved online within 2 seconds, though the form closes at once (issue #20 item 5)", async () => {
    await page.setViewportSize({ width: 1180, height: 820 });
    await page.getByRole("button", { name: "New customer" }).click();
    await page.getByLabel("First name").fill("Noor");
    await page.getByLabel("Last name").fill("Haddad");
    await page.getByLabel("Email").fill("noor.haddad@gmail.com");
    const saved = Date.now();
    await page.getByRole("button", { name: "Save customer" }).click();
    await page.getByRole("heading", { name: "Noor Haddad" }).waitFor();
    const onServer = () =>
      rows<{ profile_id: string }>(
        sql`SELECT profile_id FROM identifiers WHERE shop_id = ${SHOP} AND kind = 'email'
          AND value = 'noor.haddad@gmail.com'`,
      );
    await expect.poll(async () => (await onServer()).length, { timeout: 2_000, interval: 50 }).toBe(1);
    timings.saveToServer = Date.now() - saved;
    expect(timings.saveToServer).toBeLessThan(2_000);
    await shot("10-saved-online");
  }, 30_000);

  it("adds a sign-up with a known email to that customer: told first, one row, no rename (#20 item 3)", async () => {
    await page.getByRole("button", { name: "New customer" }).click();
    await page.getByLabel("First name").fill("Maya");
    await page.getByLabel("Last name").fill("Okafor-Smith");
    await page.getByLabel("Email").fill("maya.okafor@gmail.com");
    await page.getByLabel("Phone").fill("(415) 555-0142");
    const notice = page.getByTestId("same-email");
    await expect.poll(() => notice.textContent()).toContain("This email belongs to Maya Okafor");
    expect(await notice.textContent()).toContain("no second customer is made");
    expect(await notice.getByLabel("Also change their name to “Maya Okafor-Smith”").isChecked()).toBe(false);
    await shot("11-same-email");
    await page.getByRole("button", { name: "Add to Maya Okafor" }).click();
    await page.getByRole("heading", { name: "Maya Okafor" }).waitFor();
    await expect.poll(pendingCount, { timeout: 5_000 }).toBe(0);
    await page.getByRole("button", { name: "Find customer" }).click();
    await page.getByLabel("Name, email or phone").fill("maya");
    await expect
      .poll(() => page.getByRole("list", { name: "Matching customers" }).getByRole("listitem").count())
      .toBe(1);
    expect(await page.getByRole("button", { name: /Maya Okafor/ }).textContent()).not.toContain("Smith");
    await shot("12-one-row");
    const [profile] = await rows<{ first_name: string; last_name: string }>(
      sql`SELECT first_name, last_name FROM profiles WHERE shop_id = ${SHOP} AND id = ${mayaId}`,
    );
    expect(profile).toEqual({ first_name: "Maya", last_name: "Okafor" });
    const phones = await rows<{ value: string }>(
      sql`SELECT value FROM identifiers WHERE shop_id = ${SHOP} AND profile_id = ${mayaId} AND kind = 'phone'
        ORDER BY value`,
    );
    expect(phones.map((p) => p.value)).toEqual(["+14155550142", "+14155550199"]);
  }, 60_000);

  it("on revocation wipes customers, keeps and exports the waiting change, pairs again by QR (2, 11)", async () => {
    // The tablet is offline when the shop revokes it, with one change waiting.
    await page.getByRole("button", { name: /Maya Okafor/ }).click();
    await goOffline();
    await page.getByRole("button", { name: "Log visit" }).click();
    await expect.poll(pendingCount).toBe(1);
    const { devices } = (await (await t.api("GET", "/api/devices")).json()) as {
      devices: { deviceId: string; status: string }[];
    };
    for (const d of devices.filter((x) => x.status === "active"))
      expect((await t.api("DELETE", `/api/devices/${d.deviceId}`)).status).toBe(200);
    // Back online, the tablet syncs by itself and learns it was revoked.
    await goOnline();
    await page.getByRole("heading", { name: "This tablet is no longer paired" }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole("alert").textContent()).toContain("this device was revoked in the admin");
    expect(await idbCount("customers")).toBe(0);
    expect(await idbCount("outbox")).toBe(1);
    expect(await page.getByTestId("waiting-count").getAttribute("data-count")).toBe("1");
    await shot("13-revoked");

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export unsynced changes" }).click();
    const file = await (await download).path();
    const exported = JSON.parse(readFileSync(file, "utf8")) as {
      shop: string;
      changes: { id: string; name: string }[];
    };
    expect(exported.shop).toBe(SHOP);
    expect(exported.changes.map((c) => c.name)).toEqual(["visit.log"]);

    // The shop names its locations; the new code is for one of them, shown to the tablet as a QR code.
    const location = "gid://shopify/Location/1001";
    await t.runtime.db.db.execute(
      sql`INSERT INTO locations (shop_id, id, name, updated_at)
        VALUES (${SHOP}, ${location}, 'Soho store', '2026-11-20')`,
    );
    const { code } = (await (
      await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: location } })
    ).json()) as { code: string };
    writeQrVideo(code);
    const visitsBefore = await rows<{ n: string }>(
      sql`SELECT count(*) AS n FROM visits WHERE shop_id = ${SHOP} AND profile_id = ${mayaId}`,
    );
    await page.getByRole("button", { name: "Scan QR code" }).click();
    await expect.poll(() => page.getByText("Soho store").count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.getByText("gid://shopify/Location/1001").count()).toBe(0);
    await expect.poll(pendingCount, { timeout: 15_000 }).toBe(0);
    await expect.poll(() => page.getByText("3 customers on this tablet").count(), { timeout: 15_000 }).toBe(1);
    await shot("14-paired-again");
    const visitsAfter = await rows<{ n: string }>(
      sql`SELECT count(*) AS n FROM visits WHERE shop_id = ${SHOP} AND profile_id = ${mayaId}`,
    );
    expect(Number(visitsAfter[0]!.n)).toBe(Number(visitsBefore[0]!.n) + 1);
    const once = await rows<{ n: string }>(
      sql`SELECT count(*) AS n FROM sync_mutations WHERE shop_id = ${SHOP}
        AND mutation_id = ${exported.changes[0]!.id}`,
    );
    expect(Number(once[0]!.n)).toBe(1);
  }, 90_000);
});
