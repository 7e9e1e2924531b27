import postgres from "postgres";

/** A database of its own for one bench run, on the PostgreSQL server TEST_DATABASE_URL names. */
export interface FreshDatabase {
  name: string;
  url: string;
  /** A connection to the server's maintenance database, for settings and the drop. */
  admin: postgres.Sql;
  /** Drops the database (unless kept, to look at it afterwards) and closes the admin connection. */
  drop(opts?: { keep?: boolean }): Promise<void>;
}

export async function createFreshDatabase(prefix: string): Promise<FreshDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `${prefix}_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    admin,
    async drop(opts = {}) {
      if (opts.keep) console.log(`kept database ${name}`);
      else await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.end();
    },
  };
}
