import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { contentRangeStart, jsonlLinesFrom, type JsonlLine } from "./jsonl";

/** A file server on loopback: `ranges` says whether it honours Range (206) or ignores it (200). */
async function serve(
  body: Buffer,
  opts: { ranges: boolean; claimStart?: number },
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const asked = /^bytes=(\d+)-$/.exec(request.headers.range ?? "");
    if (!opts.ranges || !asked) return void response.writeHead(200).end(body);
    const from = Number(asked[1]);
    if (from >= body.length) return void response.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
    const claimed = opts.claimStart ?? from;
    response
      .writeHead(206, { "content-range": `bytes ${claimed}-${body.length - 1}/${body.length}` })
      .end(body.subarray(from));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/r.jsonl`, server };
}

const read = async (url: string, start: number) => {
  const lines: JsonlLine[] = [];
  for await (const line of jsonlLinesFrom(url, start)) lines.push(line);
  return lines;
};

describe("reading a bulk result from a byte offset", () => {
  let server: Server | null = null;
  afterEach(() => server?.close());

  // Multi-byte characters, a blank line, CRLF and no newline at the end: offsets are bytes, not characters.
  const text = '{"n":"Zoë"}\r\n\n{"n":"Łukasz 😀"}\n{"n":"end"}';
  const body = Buffer.from(text);

  it.each([true, false])(
    "gives each line the byte offset of the next; resumes there (Range honoured: %s)",
    async (ranges) => {
      let url: string;
      ({ server, url } = await serve(body, { ranges }));
      const all = await read(url, 0);
      expect(all.map((l) => l.text)).toEqual(['{"n":"Zoë"}', '{"n":"Łukasz 😀"}', '{"n":"end"}']);
      expect(all.map((l) => l.next)).toEqual([
        Buffer.byteLength('{"n":"Zoë"}\r\n'),
        Buffer.byteLength('{"n":"Zoë"}\r\n\n{"n":"Łukasz 😀"}\n'),
        body.length,
      ]);
      expect(await read(url, all[0]!.next)).toEqual(all.slice(1));
      expect(await read(url, all[1]!.next)).toEqual(all.slice(2));
      expect(await read(url, body.length)).toEqual([]);
    },
  );

  it("refuses a 206 that starts somewhere else than asked", async () => {
    let url: string;
    ({ server, url } = await serve(body, { ranges: true, claimStart: 0 }));
    await expect(read(url, 5)).rejects.toThrow(/bytes from 0 when asked from 5/);
  });

  it("reads Content-Range as RFC 9110 spells it", () => {
    expect(contentRangeStart("bytes 42-99/100")).toBe(42);
    expect(contentRangeStart("bytes 42-99/*")).toBe(42);
    expect(contentRangeStart("bytes */100")).toBeNull();
    expect(contentRangeStart(null)).toBeNull();
  });
});
