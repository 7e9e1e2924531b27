/** Internal time arithmetic for the profile, loyalty and hint rules. Not part of the package's API. */

export const DAY_MS = 86_400_000;

/** Whole days from `from` to `to`, rounded down; negative when `from` is in the future (clock skew). */
export const wholeDaysBetween = (from: Date, to: Date): number => Math.floor((to.getTime() - from.getTime()) / DAY_MS);

/** "1 day", "12 days": the phrase a merchant reads. */
export const dayCount = (days: number): string => (days === 1 ? "1 day" : `${days} days`);

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
