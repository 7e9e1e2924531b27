import { describe, expect, it } from "vitest";
import { type FlushResult, GroupCommit } from "./group-commit";

/** A flush the test finishes by hand, recording what each flush carried and how many ran at once. */
function manualFlushes() {
  const batches: number[][] = [];
  const finish: (() => void)[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const flush = async (items: number[]): Promise<FlushResult<string>[]> => {
    batches.push(items);
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    await new Promise<void>((resolve) => finish.push(resolve));
    running--;
    return items.map((i) => (i < 0 ? { ok: false, error: new Error(`bad ${i}`) } : { ok: true, value: `done ${i}` }));
  };
  return { flush, batches, finish, mostAtOnce: () => mostAtOnce };
}

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (error: Error) => ({ error: error.message }),
  );
const tick = () => new Promise((r) => setImmediate(r));

describe("group commit", () => {
  it("flushes what arrives together once, in order, and answers each item with its own outcome", async () => {
    const m = manualFlushes();
    const commit = new GroupCommit(m.flush, { maxItems: 200, maxInFlight: 1 });
    const answers = [1, 2, 3].map((i) => settle(commit.add(i)));
    await tick();
    expect(m.batches).toEqual([[1, 2, 3]]);
    m.finish.shift()!();
    expect(await Promise.all(answers)).toEqual([{ value: "done 1" }, { value: "done 2" }, { value: "done 3" }]);
  });

  it("answers nothing before its flush finished; what arrives meanwhile waits and goes in the next flush", async () => {
    const m = manualFlushes();
    const commit = new GroupCommit(m.flush, { maxItems: 200, maxInFlight: 1 });
    let firstAnswered = false;
    const first = commit.add(1).then((v) => ((firstAnswered = true), v));
    await tick();
    const later = [2, 3].map((i) => settle(commit.add(i)));
    await tick();
    expect(firstAnswered).toBe(false);
    expect(m.batches).toEqual([[1]]);
    m.finish.shift()!();
    expect(await first).toBe("done 1");
    await tick();
    expect(m.batches).toEqual([[1], [2, 3]]);
    m.finish.shift()!();
    expect(await Promise.all(later)).toEqual([{ value: "done 2" }, { value: "done 3" }]);
  });

  it("caps a flush by items and by bytes, and runs at most maxInFlight flushes at once", async () => {
    const m = manualFlushes();
    const commit = new GroupCommit(m.flush, { maxItems: 3, maxBytes: 100, sizeOf: (i) => i, maxInFlight: 2 });
    const answers = [1, 2, 3, 4, 60, 50, 7].map((i) => settle(commit.add(i)));
    await tick();
    // Two flushes started at once (the third waits): 3 items, then 4 + 60 (adding 50 would pass 100 bytes).
    expect(m.batches).toEqual([
      [1, 2, 3],
      [4, 60],
    ]);
    m.finish.shift()!();
    await tick();
    expect(m.batches).toEqual([
      [1, 2, 3],
      [4, 60],
      [50, 7],
    ]);
    for (const done of m.finish.splice(0)) done();
    expect(m.mostAtOnce()).toBe(2);
    expect((await Promise.all(answers)).map((a) => "value" in a)).toEqual(Array(7).fill(true));
  });

  it("fails every item of a flush that fails, and only the item a flush answers with an error", async () => {
    let failNext = true;
    const commit = new GroupCommit(
      async (items: number[]): Promise<FlushResult<number>[]> => {
        if (failNext) {
          failNext = false;
          throw new Error("database went away");
        }
        return items.map((i) => (i === 13 ? { ok: false, error: new Error("13 refused") } : { ok: true, value: i }));
      },
      { maxItems: 200, maxInFlight: 1 },
    );
    expect(await Promise.all([1, 2].map((i) => settle(commit.add(i))))).toEqual([
      { error: "database went away" },
      { error: "database went away" },
    ]);
    expect(await Promise.all([1, 13, 2].map((i) => settle(commit.add(i))))).toEqual([
      { value: 1 },
      { error: "13 refused" },
      { value: 2 },
    ]);
  });
});
