export * from "./common";
export * from "./profile";
export * from "./consent";
export * from "./pos";
