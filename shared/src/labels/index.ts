export * from "./register";
export * from "./customer";
