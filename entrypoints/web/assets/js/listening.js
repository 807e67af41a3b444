// One press of Listen: record for up to `seconds`, asking the search API while it records
// (at 3 s, then each second, with the whole recording so far) and stopping as soon as an
// exact match is certain. A recording that matches nothing runs its full length and is
// asked once more as a whole.

import { search } from "./api.js";
import { extensionOf, newRecorder, openMicrophone, watchLevel } from "./microphone.js";

const FIRST_ASK_SECONDS = 3; // about the least a confident exact match needs
const CHUNK_MS = 1000; // MediaRecorder hands over a chunk each second: one ask per chunk

/** Resolves to {response, seconds} (seconds recorded when it was asked); rejects with an
 * AbortError when `signal` aborts, or with the search's error. on: level, tick(secondsLeft),
 * phase("recording" | "identifying"). */
export async function listenOnce({ seconds, signal, on }) {
  const stream = await openMicrophone();
  const stopLevel = watchLevel(stream, on.level);
  try {
    return await recordAndAsk(stream, seconds, signal, on);
  } finally {
    stopLevel();
    for (const track of stream.getTracks()) track.stop();
  }
}

const certain = (response) => response.exact_matches[0]?.certainty === "certain";

function recordAndAsk(stream, seconds, signal, on) {
  return new Promise((resolve, reject) => {
    const recorder = newRecorder(stream);
    const searches = new AbortController();
    const parts = [];
    let started = 0;
    let asking = null; // the search in flight, if any
    let settled = false;
    const clip = () => new Blob(parts, { type: recorder.mimeType });
    const name = () => `recording.${extensionOf(recorder.mimeType)}`;
    const elapsed = () => (performance.now() - started) / 1000;

    const settle = (then) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      signal?.removeEventListener("abort", aborted);
      if (recorder.state !== "inactive") recorder.stop();
      then();
    };
    const aborted = () => {
      searches.abort();
      settle(() => reject(new DOMException("stopped", "AbortError")));
    };
    const ask = () => {
      const recorded = elapsed();
      asking = search(clip(), name(), { signal: searches.signal })
        .then(
          (response) => certain(response) && settle(() => resolve({ response, seconds: recorded })),
          () => {}, // an early ask that fails is asked again, and the last one says why
        )
        .finally(() => (asking = null));
    };
    const timer = setInterval(() => {
      if (!started) return;
      const left = seconds - elapsed();
      on.tick(Math.max(0, left));
      if (left <= 0 && recorder.state === "recording") recorder.stop();
    }, 100);

    signal?.addEventListener("abort", aborted, { once: true });
    recorder.addEventListener("start", () => {
      started = performance.now();
      on.tick(seconds);
    });
    recorder.addEventListener("dataavailable", (event) => {
      if (event.data.size) parts.push(event.data);
      const early = recorder.state === "recording" && elapsed() >= FIRST_ASK_SECONDS - 0.25;
      if (early && !asking && !settled) ask();
    });
    recorder.addEventListener("stop", async () => {
      if (settled) return;
      on.phase("identifying");
      await asking; // an early answer may still be the certain one
      if (settled) return;
      const recorded = elapsed();
      search(clip(), name(), { signal: searches.signal }).then(
        (response) => settle(() => resolve({ response, seconds: recorded })),
        (error) => settle(() => reject(error)),
      );
    });
    on.phase("recording");
    recorder.start(CHUNK_MS);
  });
}
