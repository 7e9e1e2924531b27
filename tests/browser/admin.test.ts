/**
 * The merchant admin end to end: the real server in-process on a seeded shop, the built admin served from
 * admin/dist, driven in Debian's Chromium. Each step saves a screenshot under test-results/admin/.
 * Build the admin first (the root test command builds every package before testing).
 */
import { existsSync, mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { SHOP_A, SHOP_B, startTestServer, type TestServer } from "@c360/server/test-support/harness";
import { orderPayload, refundPayload } from "@c360/server/test-support/payloads";
import { seedShop } from "@c360/server/seed/demo";
import { sql } from "drizzle-orm";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SHOTS = fileURLToPath(new URL("../test-results/admin/", import.meta.url));
const ADMIN_DIST = fileURLToPath(new URL("../../admin/dist/index.html", import.meta.url));

/** A minimal Node adapter for the Hono app (the tests package does not depend on @hono/node-server). */
function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<Server> {
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers))
        if (v != null) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      const hasBody = req.method !== "GET" && req.method !== "HEAD" && chunks.length > 0;
      const response = await fetch(
        new Request(`http://${req.headers.host}${req.url}`, {
          method: req.method,
          headers,
          body: hasBody ? Buffer.concat(chunks) : undefined,
        }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let t: TestServer;
let server: Server;
let browser: Browser;
let page: Page;
let base = "";
let token = "";
let people: { liz: string; elizabeth: string; candidateId: string };

const shot = (name: string) => page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
const api = async (method: string, path: string, body?: unknown) =>
  t.api(method, path, body === undefined ? {} : { body });
/** Whether a route exists at all (404 `not_found` from the router means another engineer has not landed it). */
const routeExists = async (method: string, path: string) => {
  const res = await api(method, path);
  if (res.status !== 404) return true;
  const body = await res.json().catch(() => ({}));
  return !String(body.message ?? "").startsWith("no route for");
};
const openAdmin = async (path: string, as = token) => {
  await page.goto(`${base}/admin${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(as)}`);
};
const stageCounts = async () =>
  Object.fromEntries(
    await page
      .locator("[data-testid=stage-distribution] [data-bar]")
      .evaluateAll((els) => els.map((e) => [e.getAttribute("data-bar"), Number(e.getAttribute("data-value"))])),
  ) as Record<string, number>;

describe("merchant admin in a browser", { timeout: 120_000 }, () => {
  beforeAll(async () => {
    if (!existsSync(ADMIN_DIST)) throw new Error("admin/dist is missing: run `pnpm --filter @c360/admin build` first");
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestServer();
    await seedShop(t.runtime.db.db, { shopId: SHOP_A, customers: 40, seed: 7, now: t.clock() });

    // Two people a scan finds alike (same surname and postcode): a probabilistic duplicate for a person to decide.
    const identify = async (email: string) =>
      (await (await api("POST", "/api/identify", { identifiers: { email } })).json()).profileId as string;
    const liz = await identify("liz@home.net");
    t.clock.advanceDays(0.01);
    const elizabeth = await identify("elizabeth.novak@work.com");
    // Names and postcode arrive from a source the test does not need; ids are server-made, safe to inline.
    const name = (id: string, first: string) =>
      `UPDATE profiles SET first_name = '${first}', last_name = 'Novak', postcode = '10001' ` +
      `WHERE id = '${id.replace(/'/g, "")}'`;
    await t.runtime.db.db.execute(name(liz, "Liz"));
    await t.runtime.db.db.execute(name(elizabeth, "Elizabeth"));
    await api("POST", "/api/enrichment/recompute");
    const dupes = (await (await api("GET", "/api/duplicates?limit=100")).json()).duplicates as {
      id: string;
      profiles: { profileId: string }[];
    }[];
    const candidate = dupes.find(
      (d) => d.profiles.some((p) => p?.profileId === liz) && d.profiles.some((p) => p?.profileId === elizabeth),
    );
    if (!candidate) throw new Error("the lookalike scan did not propose Liz and Elizabeth Novak");
    people = { liz, elizabeth, candidateId: candidate.id };

    server = await listen(t.runtime.app.fetch);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    token = await t.token();
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(null)));
    await t?.close();
  });

  it("finds a customer and opens the 360 page", async () => {
    await openAdmin("/customers");
    await expect.poll(() => page.getByTestId("paging-label").textContent()).toMatch(/of \d+/);
    await page.getByLabel("Search").fill("novak");
    await expect
      .poll(() => page.getByTestId("customer-row").allTextContents())
      .toEqual(expect.arrayContaining(["Liz Novak", "Elizabeth Novak"]));
    await shot("01-customers-search");

    await page.getByTestId("customer-row").filter({ hasText: "Liz Novak" }).click();
    await page.waitForURL(`**/admin/customers/${people.liz}`);
    await expect.poll(() => page.getByTestId("identifiers").textContent()).toContain("liz@home.net");
    await expect.poll(() => page.getByTestId("explanation").textContent()).toMatch(/\S/);
    await shot("02-customer-360");
  });

  it("shows refunds, product names, RFM meanings and spend by month on the 360 page (#20 item 8)", async () => {
    const day = 86_400_000;
    const at = (daysAgo: number) => new Date(t.clock().getTime() - daysAgo * day).toISOString();
    const lines = [
      { id: 1, productId: 9001, title: "Linen Shirt", price: "40.00" },
      { id: 2, productId: 9002, title: "Chino Trousers", price: "6.50" },
    ];
    const order = (id: number, daysAgo: number, source?: string) =>
      orderPayload({ id, customerId: 8800, total: "46.50", createdAt: at(daysAgo), source, lines });
    await t.webhook("orders/create", order(88001, 70));
    await t.webhook("orders/create", order(88002, 12, "pos"));
    await t.webhook("refunds/create", refundPayload({ id: 88101, orderId: 88002, amount: "24.00", createdAt: at(11) }));
    await t.drain();
    await api("POST", "/api/enrichment/recompute");
    const found = await api("GET", "/api/profiles/by-shopify-customer/8800");
    const { profileId } = (await found.json()) as { profileId: string };
    await openAdmin(`/customers/${profileId}`);
    const timeline = page.getByTestId("timeline");
    await expect.poll(() => timeline.locator("[data-kind=refund]").count()).toBe(1);
    const refundRow = page.locator("tr", { has: page.locator("[data-kind=refund]") });
    expect(await refundRow.textContent()).toContain("-$24.00");
    expect(await timeline.textContent()).toContain("Linen Shirt, Chino Trousers");
    expect(await page.getByTestId("lifetime-spend").textContent()).toBe("$69.00");
    expect(await page.getByTestId("refunded").textContent()).toBe("$24.00");
    expect(await page.getByTestId("rfm-meaning").textContent()).toContain("Recency 5: last order within 30 days");
    const months = await page.getByTestId("customer-spend-over-time").getAttribute("data-months");
    expect(Number(months)).toBeGreaterThanOrEqual(3);
    expect(await page.locator("[data-testid=customer-spend-over-time] svg").count()).toBeGreaterThan(0);
    const firstSeen = Date.parse((await page.getByTestId("first-seen").textContent())!);
    expect(firstSeen).toBeLessThanOrEqual(Date.parse(at(71)) + 2 * day);
    await shot("02b-customer-360-refunds");
  });

  it("merges a duplicate and undoes the merge", async () => {
    await openAdmin("/duplicates");
    const card = page.locator(`[data-testid=duplicate][data-id="${people.candidateId}"]`);
    await card.waitFor();
    await shot("03-duplicates");
    await card.getByRole("button", { name: "Merge" }).click();
    await expect.poll(() => page.getByTestId("notice").textContent()).toMatch(/Merged\. You can undo this until/);
    await expect.poll(() => card.count()).toBe(0);

    const merges = (await (await api("GET", "/api/merges?limit=100")).json()).merges as {
      id: string;
      survivorId: string;
      mergedId: string;
    }[];
    const merge = merges.find(
      (m) => [m.survivorId, m.mergedId].sort().join() === [people.liz, people.elizabeth].sort().join(),
    );
    expect(merge).toBeDefined();
    const profile = (await (await api("GET", `/api/profiles/${merge!.survivorId}`)).json()) as { emails: string[] };
    expect(profile.emails.sort()).toEqual(["elizabeth.novak@work.com", "liz@home.net"]);
    await shot("04-merged");

    await page.locator(`[data-testid=merge][data-id="${merge!.id}"]`).getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => page.getByTestId("notice").textContent()).toMatch(/Merge undone/);
    for (const id of [people.liz, people.elizabeth]) expect((await api("GET", `/api/profiles/${id}`)).status).toBe(200);
    await shot("05-merge-undone");
  });

  it("undoes a merge from the 360 page and the explanation follows (#20 item 7)", async () => {
    const merging = await api("POST", `/api/duplicates/${people.candidateId}/merge`, {});
    const merged = (await merging.json()) as { survivorId: string };
    expect(merged.survivorId).toBeTruthy();
    await openAdmin(`/customers/${merged.survivorId}`);
    const explanation = page.getByTestId("explanation");
    await expect.poll(() => explanation.textContent()).toMatch(/\S/);
    const whileMerged = await explanation.textContent();
    await shot("05b-360-merged");
    await page.getByRole("button", { name: "Undo merge" }).click();
    await expect.poll(() => page.getByTestId("notice").textContent()).toMatch(/Merge undone/);
    // The same page, not reloaded: the explanation no longer describes the merge, the history says undone.
    await expect.poll(() => explanation.textContent()).not.toBe(whileMerged);
    expect(await page.getByText("(undone)").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("identifiers").textContent()).not.toContain(
      merged.survivorId === people.liz ? "elizabeth.novak@work.com" : "liz@home.net",
    );
    await shot("05c-360-undone");
  });

  it("erases a customer after previewing what will change", async () => {
    // A missing route is a regression, never a reason to skip.
    expect(await routeExists("GET", `/api/gdpr/profiles/${people.elizabeth}/preview`)).toBe(true);
    await openAdmin(`/gdpr/${people.elizabeth}`);
    await expect.poll(() => page.getByTestId("erase-preview").textContent()).toMatch(/\d/);
    const erase = page.getByRole("button", { name: "Erase customer" });
    expect(await erase.isDisabled()).toBe(true);
    await shot("06-gdpr-preview");
    await page.getByLabel("Type ERASE to confirm").fill("ERASE");
    await erase.click();
    await expect.poll(() => page.getByTestId("notice").textContent()).toMatch(/Customer erased/);
    const after = (await (await api("GET", `/api/profiles/${people.elizabeth}`)).json()) as {
      emails?: string[];
      firstName?: string | null;
    };
    expect(after.emails ?? []).toEqual([]);
    expect(after.firstName ?? null).toBeNull();
    // Without a reload: the preview gives way to "erased", the inventory counts the erasure.
    await page.getByTestId("already-erased").waitFor();
    expect(await page.getByRole("button", { name: "Erase customer" }).count()).toBe(0);
    const inventory = (await (await api("GET", "/api/gdpr/inventory")).json()) as { erasedProfiles: number };
    const erasedRow = page.locator("[data-testid=inventory] tr", { hasText: "Erased customers (anonymous" });
    await expect.poll(() => erasedRow.textContent()).toContain(String(inventory.erasedProfiles));
    expect(await page.getByTestId("inventory").textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T|Inactive Over2Years/);
    await shot("07-gdpr-erased");

    // The erased profile reads as erased, with no GDPR action left to take.
    await openAdmin(`/customers/${people.elizabeth}`);
    await page.getByTestId("erased-badge").waitFor();
    expect(await page.getByRole("heading", { name: "Erased customer" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "GDPR" }).count()).toBe(0);
    await shot("07b-erased-profile");

    // An ID no customer has offers nothing to download or erase.
    await openAdmin("/gdpr/no-such-profile");
    await page.getByTestId("unknown-profile").waitFor();
    expect(await page.getByRole("button", { name: /Download data export|Erase customer/ }).count()).toBe(0);
    await shot("07c-gdpr-unknown-id");
  });

  it("shows a refused setting under its field, in words (#20 item 1)", async () => {
    await openAdmin("/settings");
    const atRisk = page.getByLabel("At risk after (days without activity)");
    await atRisk.waitFor();
    await atRisk.fill("0");
    await page.getByRole("button", { name: "Save settings" }).click();
    // The server refuses it; its sentence sits under the input, not a zod path in a banner.
    const field = page.locator(".Polaris-InlineError", { hasText: "At-risk must be at least 1 day" });
    await expect.poll(() => field.count()).toBe(1);
    expect(await page.getByTestId("error-message").count()).toBe(0);
    expect(await page.locator("body").textContent()).not.toContain("lifecycle.atRiskDays");
    await shot("08a-settings-field-error");
    // Time zone and country are chosen from the lists the server accepts.
    const zones = await page.getByLabel("Shop time zone").locator("option").allTextContents();
    expect(zones).toContain("Europe/Berlin");
    expect(zones).not.toContain("Mars/Olympus");
    const countries = await page.getByLabel("Default country for phones").locator("option").allTextContents();
    expect(countries).toContain("Germany (DE)");
  });

  it("changes a lifecycle window and sees the stage counts move", async () => {
    await openAdmin("/settings");
    await expect.poll(async () => Object.values(await stageCounts()).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const before = await stageCounts();
    await shot("08-settings-before");
    // A furniture shop: a customer is at risk only after two years and churned after five.
    await page.getByLabel("Churned after (days without activity)").fill("1825");
    await page.getByLabel("At risk after (days without activity)").fill("730");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect
      .poll(() => page.getByTestId("notice").textContent())
      .toMatch(/Re-staged \d+ profiles; \d+ changed lifecycle stage/);
    await expect.poll(stageCounts).not.toEqual(before);
    const after = await stageCounts();
    expect((after.at_risk ?? 0) + (after.churned ?? 0)).toBeLessThan((before.at_risk ?? 0) + (before.churned ?? 0));
    await shot("09-settings-after");
  });

  it("creates a pairing code and pairs a device through the API", async () => {
    expect(await routeExists("GET", "/api/devices")).toBe(true);
    await openAdmin("/devices");
    await page.getByRole("button", { name: "Create pairing code" }).click();
    const code = (await page.getByTestId("pairing-code").textContent({ timeout: 10_000 }))!.trim();
    expect(code).toMatch(/^[A-Z0-9]{6,10}$/);
    // The QR code is drawn asynchronously after the code appears.
    await expect.poll(() => page.locator("[data-testid=pairing-qr] svg").count()).toBe(1);
    await shot("10-pairing-code");

    const paired = await fetch(`${base}/api/sync/pair`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, deviceName: "Market stall tablet" }),
    });
    expect(paired.status).toBe(201);
    expect(await paired.json()).toMatchObject({ deviceId: expect.any(String), token: expect.any(String) });
    await page.getByRole("button", { name: "Refresh device list" }).click();
    await expect.poll(() => page.getByTestId("devices").textContent()).toContain("Market stall tablet");
    await shot("11-device-paired");
  });

  it("shows the dashboard's four charts from one request", async () => {
    const calls: string[] = [];
    const onRequest = (r: { url(): string }) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith("/api/")) calls.push(path);
    };
    page.on("request", onRequest);
    await openAdmin("/", await t.token());
    const d = (await (await api("GET", "/api/dashboard")).json()) as { profiles: number };
    await expect.poll(async () => Object.values(await stageCounts()).reduce((a, b) => a + b, 0)).toBe(d.profiles);
    for (const chart of ["channel-mix", "fatigue", "coverage"])
      expect(await page.locator(`[data-testid=${chart}] [data-bar]`).count()).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId("fatigue-share").textContent())
      .toMatch(/% of customers are at or above the fatigue threshold/);
    page.off("request", onRequest);
    expect(calls).toEqual(["/api/dashboard"]);
    await shot("12-dashboard");
  });

  it("charts spend by month and an RFM grid, clicks through, recomputes with progress (#20 item 9)", async () => {
    await openAdmin("/");
    await page.getByTestId("spend-over-time").waitFor();
    expect(Number(await page.getByTestId("spend-over-time").getAttribute("data-months"))).toBe(12);
    expect(await page.locator("[data-testid=spend-over-time] svg").count()).toBeGreaterThan(0);
    const d = (await (await api("GET", "/api/dashboard")).json()) as {
      profiles: number;
      channelMix: Record<string, number>;
      rfmGrid: { r: number; f: number; count: number }[];
    };
    // In store vs online adds up to every customer.
    const numbers = (selector: string, attribute: string) =>
      page.locator(selector).evaluateAll((els, a) => els.map((e) => Number(e.getAttribute(a))), attribute);
    const mix = await numbers("[data-testid=channel-mix] [data-bar]", "data-value");
    expect(mix.reduce((a, b) => a + b, 0)).toBe(d.profiles);
    const cells = await numbers("[data-testid=rfm-grid] td[data-count]", "data-count");
    expect(cells).toHaveLength(25);
    expect(cells.reduce((a, b) => a + b, 0)).toBe(d.rfmGrid.reduce((a, c) => a + c.count, 0));
    await shot("12b-dashboard-charts");

    // A bar opens the customers it counts.
    const loyal = page.locator("[data-testid=stage-distribution] [data-bar=loyal]");
    const loyalCount = Number(await loyal.getAttribute("data-value"));
    await loyal.getByRole("link").click();
    await page.waitForURL("**/admin/customers?stage=loyal");
    const loyalLabel = loyalCount === 0 ? /No customers/ : new RegExp(`of ${loyalCount}$`);
    await expect.poll(() => page.getByTestId("paging-label").textContent()).toMatch(loyalLabel);
    await shot("12c-dashboard-click-through");

    // An RFM cell does too, with its filter named above the list.
    await openAdmin("/");
    const cell = d.rfmGrid[0]!;
    await page.locator(`[data-testid=rfm-grid] td[data-r="${cell.r}"][data-f="${cell.f}"]`).getByRole("link").click();
    await page.waitForURL(`**/admin/customers?rfmR=${cell.r}&rfmF=${cell.f}`);
    await expect.poll(() => page.getByTestId("paging-label").textContent()).toMatch(new RegExp(`of ${cell.count}$`));
    expect(await page.getByText(`Recency score ${cell.r}`).count()).toBe(1);

    // Recompute now: queued on the server, polled until done. The queue runs when drained in tests.
    await openAdmin("/");
    await page.getByRole("button", { name: "Recompute now" }).click();
    const status = page.getByTestId("recompute-status");
    await expect.poll(() => status.getAttribute("data-status")).toMatch(/queued|running/);
    await shot("12d-recompute-queued");
    await t.drain();
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 15_000 }).toBe("done");
    expect(await status.textContent()).toMatch(/Recomputed \d+ customers/);
    await shot("12e-recompute-done");
  });

  it("shows an empty state that says what to do instead of bare table headers (#20 item 12)", async () => {
    await openAdmin("/customers?query=nobody-by-this-name");
    const empty = page.getByTestId("empty-state");
    await expect.poll(() => empty.textContent()).toContain("No customers match these filters");
    await openAdmin("/webhooks");
    await expect.poll(() => empty.first().textContent()).toMatch(/No dead letters|No deliveries yet/);
    await shot("12f-empty-states");
  });

  it("grants an agency user from a second shop and shows both shops side by side, flagging fatigue", async () => {
    const agency = "agency-user-42";
    // Shop B: its own customers, nearly all messaged 8 times this week (fatigue 0.8, above the 0.7 threshold).
    await seedShop(t.runtime.db.db, { shopId: SHOP_B, customers: 12, seed: 11, now: t.clock() });
    const profiles = (await t.runtime.db.db.execute(
      sql`SELECT id FROM profiles WHERE shop_id = ${SHOP_B} AND status = 'active' ORDER BY id`,
    )) as unknown as { rows: { id: string }[] } | { id: string }[];
    const ids = (Array.isArray(profiles) ? profiles : profiles.rows).map((r) => r.id);
    const now = t.clock().getTime();
    for (const profileId of ids.slice(0, Math.ceil(ids.length * 0.75))) {
      for (let i = 0; i < 8; i++) {
        await t.runtime.db.db.execute(sql`INSERT INTO messages (shop_id, id, profile_id, channel, kind, status, reason,
          at)
          VALUES (${SHOP_B}, ${crypto.randomUUID()}, ${profileId}, 'email', 'promo', 'sent', 'ok',
            ${new Date(now - (i + 1) * 3_600_000)})`);
      }
    }

    // Shop B's staff grant the agency's Shopify user from the Agency page.
    await openAdmin("/agency", await t.token(SHOP_B, { staffId: "owner-b" }));
    // An ID no Shopify user could have is refused at the field (#20 item 12).
    await page.getByLabel("Agency user ID (Shopify user)").fill("not a user!!");
    await page.getByRole("button", { name: "Grant access" }).click();
    const userIdError = page.locator(".Polaris-InlineError");
    await expect.poll(() => userIdError.textContent()).toMatch(/a user ID has only letters, digits/);
    await shot("13a-agency-invalid-user");
    await page.getByLabel("Agency user ID (Shopify user)").fill(agency);
    await page.getByRole("button", { name: "Grant access" }).click();
    await expect
      .poll(() => page.getByTestId("notice").textContent())
      .toContain(`User ${agency} can now see this shop's figures`);
    await shot("13-agency-granted");

    // The same Shopify user signed in on shop A: shop A (the token's own) and shop B, side by side.
    await openAdmin("/agency", await t.token(SHOP_A, { staffId: agency }));
    const shops = page.getByTestId("agency-shop");
    await expect
      .poll(() => shops.evaluateAll((els) => els.map((e) => e.getAttribute("data-shop"))))
      .toEqual([SHOP_A, SHOP_B]);
    const row = (shop: string) => page.locator("tr", { has: page.locator(`[data-shop="${shop}"]`) });
    // Polaris reads the tone out to screen readers ("Critical") before the badge text.
    expect(await row(SHOP_B).getByTestId("fatigue-flag").textContent()).toMatch(/fatigue$/);
    expect(await row(SHOP_A).getByTestId("fatigue-flag").count()).toBe(0);
    expect(Number(await row(SHOP_B).getByTestId("fatigue-share").getAttribute("data-share"))).toBeGreaterThan(60);
    // Each row holds that shop's own count, never a sum of both.
    const counts = await page
      .locator("tr")
      .filter({ has: page.getByTestId("agency-shop") })
      .evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll("td, th")[1]?.textContent));
    const bAlone = (await (await t.api("GET", "/api/dashboard", { shop: SHOP_B })).json()) as { profiles: number };
    expect(counts[1]).toBe(String(bAlone.profiles));
    await shot("14-agency-rollup");

    // Shop B takes the access back: the agency sees only shop A again.
    await openAdmin("/agency", await t.token(SHOP_B, { staffId: "owner-b" }));
    await page.getByLabel("Agency user ID (Shopify user)").fill(agency);
    await page.getByRole("button", { name: "Revoke access" }).click();
    await expect.poll(() => page.getByTestId("notice").textContent()).toContain("no longer sees");
    const after = (await (
      await t.api("GET", "/api/agency/rollup", { token: await t.token(SHOP_A, { staffId: agency }) })
    ).json()) as { shops: { shopId: string }[] };
    expect(after.shops.map((s) => s.shopId)).toEqual([SHOP_A]);
  });
});
