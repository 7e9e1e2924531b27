import { z } from "zod";

/**
 * A Shopify user ID as a session token's `sub` carries it (digits, or a gid), or an agency's own handle
 * such as "agency-user-7": letters, digits and - _ . : / only, so "not a user!!" is refused at the form
 * and the route alike.
 */
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;

/** Why a typed agency user ID cannot be granted, in words; null when it can. */
export function agencyUserIdProblem(userId: string): string | null {
  const v = userId.trim();
  if (!v) return "enter the Shopify user ID of the agency staff member";
  if (v.length > 100) return "a user ID is at most 100 characters";
  if (!USER_ID.test(v))
    return "a user ID has only letters, digits and - _ . : /, such as 4207 or gid://shopify/StaffMember/4207";
  return null;
}

export const agencyUserIdSchema = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    const problem = agencyUserIdProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
