export * from "./fields";
export * from "./compare";
export * from "./blocking";
export * from "./model";
export * from "./find";
export * from "./explain";
