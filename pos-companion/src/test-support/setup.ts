import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
import { CompanionDb } from "../db";

let n = 0;
/** A fresh database per test on its own fake IndexedDB factory. */
export function freshDb(): CompanionDb {
  return new CompanionDb(`test-${++n}`, { indexedDB: new IDBFactory(), IDBKeyRange });
}

export function sequentialUuids(): () => string {
  let i = 0;
  return () => `00000000-0000-4000-8000-${String(++i).padStart(12, "0")}`;
}
