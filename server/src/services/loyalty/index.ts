export * from "./redemption";
