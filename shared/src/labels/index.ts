export * from "./register";
export * from "./customer";
export * from "./rfm";
