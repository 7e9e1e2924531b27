/** Reads a bulk operation's JSONL result line by line as it downloads (results can be gigabytes). */
export async function* jsonlLines(url: string): AsyncGenerator<string> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`bulk result download answered ${response.status}`);
  const decoder = new TextDecoder();
  let buffered = "";
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) yield line;
      }
    }
    const last = (buffered + decoder.decode()).trim();
    if (last) yield last;
  } finally {
    await reader.cancel().catch(() => {});
  }
}
