export * from "./audience";
export * from "./gate";
