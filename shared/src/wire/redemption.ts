import { z } from "zod";
import { REDEMPTION_STATES } from "../loyalty/redemption";

/** An order as the register names it: a number, a numeric string or an Order GID; kept as the number. */
const orderId = z
  .union([z.number().int().positive(), z.string().trim().min(1).max(100)])
  .transform((v) => (typeof v === "number" ? String(v) : (/^(?:gid:\/\/shopify\/Order\/)?(\d+)$/.exec(v)?.[1] ?? "")))
  .refine((v) => v !== "", "must be a Shopify order ID (a number or gid://shopify/Order/<number>)");

/** `POST /api/pos/redemptions`: hold points for a cart discount; `redemptionId` makes it idempotent. */
export const redemptionHoldSchema = z.object({
  redemptionId: z.uuid(),
  shopifyCustomerId: z.string().min(1).max(64),
  points: z.number().int("must be a whole number of points").positive("must be more than 0").max(1_000_000_000),
  /** The cart's total before this discount, so a discount never exceeds it. */
  cartTotal: z
    .string()
    .regex(/^\d+(\.\d+)?$/, "must be a decimal amount like 12.50")
    .optional(),
});
export type RedemptionHold = z.infer<typeof redemptionHoldSchema>;

/** `POST /api/pos/redemptions/:id/complete`: from `pos.transaction-complete`, with the order it made. */
export const redemptionCompleteSchema = z.object({ orderId });

/** What every redemption route answers: the state, and the discount the register applies to the cart. */
export const redemptionViewSchema = z.object({
  redemptionId: z.string(),
  state: z.enum(REDEMPTION_STATES),
  points: z.number().int(),
  returnedPoints: z.number().int(),
  orderId: z.string().nullable(),
  /** `applyCartDiscount("FixedAmount", title, amount)` */
  discount: z.object({ type: z.literal("FixedAmount"), title: z.string(), amount: z.string(), currency: z.string() }),
  /** Set on the cart so the order webhook can spend the redemption too. */
  cartProperty: z.object({ key: z.string(), value: z.string() }),
  /** What the customer can still redeem after this. */
  availablePoints: z.number().int(),
});
export type RedemptionView = z.infer<typeof redemptionViewSchema>;
