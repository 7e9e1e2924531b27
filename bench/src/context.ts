import type { Runtime } from "@c360/server/runtime";
import type postgres from "postgres";
import type { LoadProcess } from "./load/process";

/** One line of the BENCHMARKS.md table. */
export interface Row {
  what: string;
  figure: string;
  baseline: string;
  ratio: string;
  target: string;
  note: string;
}

/** What every measurement gets: the running server, the database and the load process, all for one shop. */
export interface Bench {
  shopId: string;
  /** The app secret: signs webhooks and session tokens. */
  secret: string;
  /** Base URL of the server under test (in the bench process). */
  base: string;
  /** Headers with a valid session token for the shop, for /api/*. */
  auth: Record<string, string>;
  databaseUrl: string;
  /** A direct connection for baselines, set-up and counting (not through the server). */
  raw: postgres.Sql;
  runtime: Runtime;
  /** Generates HTTP and SQL load from a separate process. */
  load: LoadProcess;
  /** Profiles in the shop once it is filled. */
  totalProfiles: number;
  rows: Row[];
  /** Markdown sections for the "Query plans" part of BENCHMARKS.md. */
  plans: string[];
}
