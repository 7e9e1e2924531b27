import { z } from "zod";
import { isoDate } from "./common";

/** `POST /api/pos/visits`: logged when a customer is attached to a cart; `id` makes it idempotent. */
export const posVisitSchema = z.object({
  id: z.uuid(),
  shopifyCustomerId: z.string().min(1).max(64),
  locationId: z.string().max(100).nullable().optional(),
  staffId: z.string().max(100).nullable().optional(),
  at: isoDate,
});
export type PosVisit = z.infer<typeof posVisitSchema>;

export const checkoutHintSchema = z.object({
  kind: z.enum(["co_purchase", "replenishment", "loyalty"]),
  productId: z.string().optional(),
  message: z.string(),
});
/** `GET /api/pos/hints?customer=<shopifyCustomerId>&lines=<productId,productId>` */
export const hintsResponseSchema = z.object({ hints: z.array(checkoutHintSchema) });
