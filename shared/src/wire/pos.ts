import { z } from "zod";
import { isoDate } from "./common";
import { customerContactSchema } from "./profile";

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
  kind: z.enum(["co_purchase", "replenishment", "viewed", "loyalty"]),
  productId: z.string().optional(),
  /** The suggested product's name. */
  productTitle: z.string().optional(),
  /** A variant of it the register can add to the cart. */
  variantId: z.string().optional(),
  message: z.string(),
});
/** `GET /api/pos/hints?customer=<shopifyCustomerId>&lines=<productId,productId>` */
export const hintsResponseSchema = z.object({ hints: z.array(checkoutHintSchema) });

/** `GET /api/pos/customers?q=<name, email or phone>`: the register's look-up (a clerk knows no IDs). */
export const registerSearchQuerySchema = z.object({
  q: z.string().trim().min(2, "type at least 2 characters of a name, email or phone").max(200),
  limit: z.coerce.number().int().min(1).max(20).default(10),
});
/** One match, with email and phone so the clerk can confirm who it is before attaching them to the cart. */
export const registerCustomerMatchSchema = customerContactSchema;
export const registerSearchResponseSchema = z.object({ customers: z.array(registerCustomerMatchSchema) });
export type RegisterCustomerMatch = z.infer<typeof registerCustomerMatchSchema>;

/**
 * `POST /api/pos/customers`: a customer created at the register, resolved like any capture. `id` makes
 * it idempotent; an email or a phone is needed to recognise them again.
 */
export const registerCustomerCreateSchema = z
  .object({
    id: z.uuid(),
    firstName: z.string().trim().min(1, "enter the customer's first name").max(100),
    lastName: z.string().trim().max(100).optional(),
    email: z.string().trim().max(320).optional(),
    phone: z.string().trim().max(40).optional(),
  })
  .refine((c) => c.email || c.phone, { message: "give an email or a phone number", path: ["email"] });
export type RegisterCustomerCreate = z.infer<typeof registerCustomerCreateSchema>;
