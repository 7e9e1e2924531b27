export * from "./message-events";
export * from "./messaging-keys";
export * from "./pixel";
