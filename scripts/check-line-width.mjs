#!/usr/bin/env node
// Biome wraps code at 120 characters but leaves strings, SQL templates and comments as written; this
// check holds those to the same width, so a reader never scrolls sideways. Migrations are history and
// data files are not read.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const MAX = 120;
const CODE = /\.(ts|tsx|mts|mjs|js|css|html)$/;
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" })
  .split("\n")
  .filter((f) => CODE.test(f) && !f.includes("/dist/") && !f.includes("node_modules/"));

const long = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    continue; // listed by git but deleted in the working tree
  }
  text.split("\n").forEach((line, n) => {
    if ([...line].length > MAX) long.push(`${file}:${n + 1} (${[...line].length} characters)`);
  });
}
if (long.length) {
  console.error(`${long.length} lines are longer than ${MAX} characters:\n${long.join("\n")}`);
  process.exit(1);
}
console.log(`line width: every line of ${files.length} files is at most ${MAX} characters`);
