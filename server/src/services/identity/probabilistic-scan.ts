import type { Queryable } from "../../db/client";
import { scanShopDuplicates } from "./match";

/**
 * The whole-shop duplicate scan (Fellegi-Sunter, `services/identity/match`): proposes `probabilistic`
 * merge candidates, never merges. Answers how many pairs are new.
 */
export async function scanProbableDuplicates(q: Queryable, shopId: string, now: Date): Promise<number> {
  return (await scanShopDuplicates(q, shopId, now)).created;
}
