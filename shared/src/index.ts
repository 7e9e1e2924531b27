export * from "./settings";
export * from "./wire";
export * from "./consent/ledger";
export * from "./consent/chain";
export * from "./consent/texts";
export * from "./gate/reasons";
export * from "./gate/gate";
export * from "./gate/audience";
