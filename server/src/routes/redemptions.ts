import { redemptionCompleteSchema, redemptionHoldSchema } from "@c360/shared";
import { Hono } from "hono";
import { z } from "zod";
import { parseOr400, readJson } from "../http/errors";
import type { AppEnv } from "../http/context";
import { findRedemptionView, holdRedemption, settleFromRegister } from "../services/loyalty";
import { withShopLock } from "../services/shop";

const idSchema = z.object({ id: z.uuid() });

/**
 * Points as a cart discount, from the register (session token). Apply holds, complete spends, release
 * gives back; the order webhooks spend and return too (services/redemption.ts). Never queued offline:
 * only the server can tell whether the points are still there.
 */
export const redemptionRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const body = parseOr400(redemptionHoldSchema, await readJson(c));
    const { db, clock } = c.var.deps;
    const result = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      return holdRedemption(tx, shop, body, clock(), c.var.staffId);
    });
    return c.json(result.view, result.created ? 201 : 200);
  })
  .get("/:id", async (c) => {
    const { id } = parseOr400(idSchema, c.req.param(), "redemption id");
    return c.json(await findRedemptionView(c.var.deps.db.db, c.var.shopId, id));
  })
  .post("/:id/release", async (c) => {
    const { id } = parseOr400(idSchema, c.req.param(), "redemption id");
    const { db, clock } = c.var.deps;
    const view = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      return settleFromRegister(tx, shop, id, { kind: "release" }, clock(), c.var.staffId);
    });
    return c.json(view);
  })
  .post("/:id/complete", async (c) => {
    const { id } = parseOr400(idSchema, c.req.param(), "redemption id");
    const { orderId } = parseOr400(redemptionCompleteSchema, await readJson(c));
    const { db, clock } = c.var.deps;
    const view = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      return settleFromRegister(tx, shop, id, { kind: "spend", orderId }, clock(), c.var.staffId);
    });
    return c.json(view);
  });
