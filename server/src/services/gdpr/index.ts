export * from "./compliance";
export * from "./erasure-register";
export * from "./gdpr";
