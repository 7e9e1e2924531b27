/** One line of a JSONL file (trimmed, never blank) and the byte offset just past it: where the next line starts. */
export interface JsonlLine {
  text: string;
  next: number;
}

/**
 * The first byte a 206 answer carries, from its Content-Range (RFC 9110 §14.4: `bytes first-last/length`);
 * null when the header is missing or not a byte range.
 */
export function contentRangeStart(header: string | null): number | null {
  const match = /^bytes\s+(\d+)-\d+\/(?:\d+|\*)$/i.exec(header?.trim() ?? "");
  return match ? Number(match[1]) : null;
}

/**
 * Reads a bulk operation's JSONL result line by line as it downloads (results can be gigabytes), from byte
 * `start`, the start of a line. Later chunks of a backfill ask only for the rest of the file with a Range
 * header (Shopify's result URLs are Cloud Storage signed URLs, which honour it), so reading a result in
 * chunks costs one pass over it, not one pass per chunk. A server that ignores Range answers 200 with the
 * whole file: its first `start` bytes are then dropped unread. Lines are cut at newline bytes and decoded
 * whole, so every offset is exact whatever characters the lines hold.
 */
export async function* jsonlLinesFrom(url: string, start = 0): AsyncGenerator<JsonlLine> {
  const response = await fetch(url, start > 0 ? { headers: { range: `bytes=${start}-` } } : undefined);
  // 416: the range starts at or past the end, so nothing is left to read.
  if (start > 0 && response.status === 416) return void (await response.body?.cancel());
  if (!response.ok || !response.body) throw new Error(`bulk result download answered ${response.status}`);
  let skip = 0;
  if (response.status === 206) {
    const first = contentRangeStart(response.headers.get("content-range"));
    if (first !== start) {
      await response.body.cancel();
      throw new Error(`bulk result download answered bytes from ${first ?? "?"} when asked from ${start}`);
    }
  } else if (start > 0) skip = start;

  /** File offset of `pending[0]`; `pending` holds the bytes of a line not yet ended by a newline. */
  let base = start;
  let pending: Buffer | null = null;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (skip > 0) {
        const dropped = Math.min(skip, bytes.length);
        bytes = bytes.subarray(dropped);
        skip -= dropped;
        if (bytes.length === 0) continue;
      }
      const buffer: Buffer = pending ? Buffer.concat([pending, bytes]) : bytes;
      let lineStart = 0;
      for (let newline = buffer.indexOf(10); newline >= 0; newline = buffer.indexOf(10, lineStart)) {
        const text = buffer.toString("utf8", lineStart, newline).trim();
        lineStart = newline + 1;
        if (text) yield { text, next: base + lineStart };
      }
      base += lineStart;
      // Copied: the stream may reuse the chunk's memory.
      pending = lineStart < buffer.length ? Buffer.from(buffer.subarray(lineStart)) : null;
    }
    const last = pending?.toString("utf8").trim();
    if (pending && last) yield { text: last, next: base + pending.length };
  } finally {
    await reader.cancel().catch(() => {});
  }
}
