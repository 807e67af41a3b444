// One press of Listen: open the microphone, record clips, hand each to the transport.
// With `repeat()` true it records the next clip while the last one is being identified,
// so nothing heard in between is missed, until `signal` aborts.

import { extensionOf, openMicrophone, recordClip, watchLevel } from "./microphone.js";

export async function listen({ transport, seconds, repeat, signal, on }) {
  const stream = await openMicrophone();
  const stopLevel = watchLevel(stream, on.level);
  const pending = [];
  try {
    do {
      on.phase("recording");
      const clip = await recordClip(stream, seconds(), { onTick: on.tick, signal });
      const heardAt = new Date();
      const answer = transport
        .identify(clip, `recording.${extensionOf(clip.type)}`)
        .then((response) => on.answer(response, heardAt), on.error);
      pending.push(answer);
      if (!repeat()) {
        on.phase("identifying");
        stopLevel();
      }
    } while (repeat() && !signal.aborted);
  } catch (error) {
    if (error?.name !== "AbortError") throw error;
  } finally {
    stopLevel();
    for (const track of stream.getTracks()) track.stop();
  }
  await Promise.all(pending);
}
