export * from "./common";
export * from "./profile";
export * from "./consent";
export * from "./pos";
export * from "./webhooks";
export * from "./sync";
export * from "./identity";
export * from "./gate";
