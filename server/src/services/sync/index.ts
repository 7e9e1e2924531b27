export * from "./pairing";
export * from "./push-workspace";
export * from "./sync-mutations";
export * from "./sync-pull";
export * from "./sync-push";
