export * from "./install";
export * from "./locations";
export * from "./settings";
export * from "./shop";
export * from "./shop-tombstone";
