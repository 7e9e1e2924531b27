export * from "./consent";
export * from "./consent-flags";
export * from "./consent-texts";
export * from "./shopify-consent";
