export * from "./checkout-hints";
export * from "./profile-search";
export * from "./profile-view";
export * from "./recompute-profile";
export * from "./register-create";
export * from "./register-search";
export * from "./register-view";
