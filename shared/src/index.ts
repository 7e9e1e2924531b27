export * from "./settings";
export * from "./wire";
