import { mutationSchema, pairRequestSchema, pullQuerySchema, pushRequestSchema } from "@c360/shared";
import { Hono } from "hono";
import { currentConsentTexts } from "../services/consent";
import { z } from "zod";
import { parseOr400, readJson } from "../http/errors";
import type { AppEnv } from "../http/context";
import { pairDevice } from "../services/sync";
import { pullChanges } from "../services/sync";
import { pushMutations } from "../services/sync";

/**
 * The wire contract caps a push at 1,000 mutations (the companion sends 500); the server also takes a
 * larger backlog in one call, within the 8 MiB body limit, so an older client or a script is not refused.
 */
const serverPushSchema = pushRequestSchema.extend({ mutations: z.array(mutationSchema).max(5000) });

/** The companion's protocol: pair once, then push mutations and pull the change feed with the device token. */
export const syncRoutes = new Hono<AppEnv>()
  .post("/pair", async (c) => {
    const body = parseOr400(pairRequestSchema, await readJson(c));
    const { db, clock } = c.var.deps;
    return c.json(await pairDevice(db, body, clock()), 201);
  })
  .post("/push", async (c) => {
    const body = parseOr400(serverPushSchema, await readJson(c));
    const { db, clock, log } = c.var.deps;
    const outcome = await pushMutations(
      db,
      { shopId: c.var.shopId, deviceId: c.var.deviceId, locationId: c.var.deviceLocationId },
      body,
      clock(),
      log,
    );
    if (outcome.kind === "gap") {
      return c.json(
        { error: "seq_gap" as const, message: outcome.message, expectedSeq: outcome.expectedSeq, ...outcome.result },
        409,
      );
    }
    return c.json(outcome.result);
  })
  /** The shop's current consent texts for the tablet to show word for word, offline too. */
  .get("/consent-texts", async (c) => {
    const { db, clock } = c.var.deps;
    return c.json({ texts: await currentConsentTexts(db.db, c.var.shopId, clock()) });
  })
  .get("/pull", async (c) => {
    const query = parseOr400(pullQuerySchema, c.req.query(), "query string");
    return c.json(await pullChanges(c.var.deps.db.db, c.var.shopId, query));
  });
