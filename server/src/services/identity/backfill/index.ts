export * from "./backfill-state";
export * from "./backfill-writes";
export * from "./customer-export";
export * from "./identity-backfill";
export * from "./customer-event";
