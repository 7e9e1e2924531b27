import { z } from "zod";
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from "./text";

/** A timestamp on the wire: ISO 8601 with offset, parsed to a Date. */
export const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
export const clientId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, _ or -");
/** A string the database can store (no NUL, no broken characters); refused with the field's name otherwise. */
export const storableString = () => z.string().refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
export const shortText = (max = 200) => storableString().trim().max(max);

/** Every 4xx body: a stable code and a sentence a merchant or clerk can act on. */
export const apiErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.string()).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Figures by name, each a number: a dashboard's counts, an inventory, a finished job's tallies. */
export const countsOf = <const K extends string>(names: readonly K[]) =>
  z.object(Object.fromEntries(names.map((name) => [name, z.number()])) as Record<K, z.ZodNumber>);

/** The paging of every list answer: how many there are in all, and which slice this is. */
export const pageFields = countsOf(["total", "limit", "offset"]).shape;
