import { pairingCodeRequestSchema } from "@c360/shared";
import { Hono } from "hono";
import { parseOr400, readJson } from "../http/errors";
import type { AppEnv } from "../http/context";
import { listLocations, refreshLocationNames } from "../services/shop";
import { createPairingCode, listDevices, revokeDevice } from "../services/sync";

/** Admin side of companion tablets (session token): pairing codes, the device list, revocation. */
export const deviceRoutes = new Hono<AppEnv>()
  .post("/pairing-codes", async (c) => {
    // An empty body is fine: the code is then for any location.
    const body = parseOr400(pairingCodeRequestSchema, (await c.req.text()) ? await readJson(c) : {});
    const { db, clock } = c.var.deps;
    const created = await createPairingCode(
      db,
      { shopId: c.var.shopId, locationId: body.locationId || null, staffId: c.var.staffId },
      clock(),
    );
    return c.json(created, 201);
  })
  .get("/", async (c) => c.json({ devices: await listDevices(c.var.deps.db, c.var.shopId) }))
  /** The shop's locations by name, to choose one for a pairing code. */
  .get("/locations", async (c) => {
    const { db, clock, log, shopify } = c.var.deps;
    await refreshLocationNames(db.db, shopify, c.var.shopId, clock(), log);
    return c.json({ locations: await listLocations(db.db, c.var.shopId) });
  })
  .delete("/:id", async (c) => {
    const { db, clock } = c.var.deps;
    return c.json(await revokeDevice(db, c.var.shopId, c.req.param("id"), clock()));
  });
