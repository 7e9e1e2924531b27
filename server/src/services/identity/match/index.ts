export { scanArrivals, scanShopDuplicates, shopSeed, type ScanOutcome } from "./scan";
export { loadMatchPeople } from "./people";
