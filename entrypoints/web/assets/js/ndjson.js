// Newline-delimited JSON read as it arrives: one object per line of a fetch response body.

/** Yields each line's object as soon as its newline has arrived; a last line without one
 * is read at the end. */
export async function* ndjsonLines(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += value;
      let newline = pending.indexOf("\n");
      while (newline >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line) yield JSON.parse(line);
        newline = pending.indexOf("\n");
      }
    }
    if (pending.trim()) yield JSON.parse(pending);
  } finally {
    reader.cancel().catch(() => {}); // a reader that stops early stops the download too
  }
}
