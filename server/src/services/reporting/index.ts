export * from "./agency";
export * from "./dashboard";
export * from "./shop-recompute";
