import { z } from "zod";

/** A timestamp on the wire: ISO 8601 with offset, parsed to a Date. */
export const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
export const clientId = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, _ or -");
export const shortText = (max = 200) => z.string().trim().max(max);

/** Every 4xx body: a stable code and a sentence a merchant or clerk can act on. */
export const apiErrorSchema = z.object({ error: z.string(), message: z.string(), issues: z.array(z.string()).optional() });
export type ApiError = z.infer<typeof apiErrorSchema>;
