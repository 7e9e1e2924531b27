export * from "./dead-letters";
export * from "./ingest-batch";
export * from "./shopify-customer-events";
export * from "./visits";
export * from "./webhook-intake";
