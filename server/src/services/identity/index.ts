export * from "./duplicates";
export * from "./identify";
export * from "./merge";
export * from "./probabilistic-scan";
export * from "./profile-ids";
export * from "./resolve-identity";
export * from "./resolve-identity-batch";
