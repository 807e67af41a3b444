// Keep listening: the microphone streams to the /api/v1/listen WebSocket (MediaRecorder
// chunks as binary messages) and the server's lines come back as songs start and end. A
// line's seconds count from the recording's start, so `startedAt` (epoch ms) turns them
// into wall-clock times.

import { listenSocket } from "./api.js";
import { ApiError } from "./errors.js";
import { newRecorder, openMicrophone, watchLevel } from "./microphone.js";

const CHUNK_MS = 500; // the live timeline reads half a second at a time
const END_WAIT_MS = 30_000; // after `stop`: time for the last segments to be settled

export class ConnectionLost extends Error {}

/** Resolves once the stream ended (aborted by `signal`, then the server's `end`); rejects
 * with the server's error line as an ApiError, or ConnectionLost. on: level, listening(),
 * line(line, startedAt). */
export async function listenLive({ signal, on }) {
  const stream = await openMicrophone();
  const stopLevel = watchLevel(stream, on.level);
  try {
    await follow(stream, signal, on);
  } finally {
    stopLevel();
    for (const track of stream.getTracks()) track.stop();
  }
}

function follow(stream, signal, on) {
  return new Promise((resolve, reject) => {
    const socket = listenSocket();
    let recorder = null;
    let startedAt = 0;
    let ended = false;
    let failure = null;
    let giveUp = 0;

    const startRecording = () => {
      recorder = newRecorder(stream);
      recorder.addEventListener("start", () => (startedAt = Date.now()));
      recorder.addEventListener("dataavailable", (event) => {
        if (event.data.size && socket.readyState === WebSocket.OPEN) socket.send(event.data);
      });
      // The last chunk is handed over before "stop": then the input is complete.
      recorder.addEventListener("stop", () => socket.readyState === WebSocket.OPEN && socket.send("stop"));
      recorder.start(CHUNK_MS);
      on.listening();
    };
    const stopRecording = () => recorder?.state === "recording" && recorder.stop();
    const stopped = () => {
      if (recorder) stopRecording();
      else socket.close();
      giveUp = setTimeout(() => socket.close(), END_WAIT_MS);
    };

    socket.addEventListener("message", (event) => {
      const line = JSON.parse(event.data);
      if (line.type === "listening") startRecording();
      else if (line.type === "error") {
        const { code, message, details } = line.error;
        failure = new ApiError(0, code, message, details);
      } else {
        ended ||= line.type === "end";
        on.line(line, startedAt);
      }
    });
    socket.addEventListener("close", () => {
      clearTimeout(giveUp);
      signal.removeEventListener("abort", stopped);
      stopRecording();
      if (failure) reject(failure);
      else if (ended || signal.aborted) resolve();
      else reject(new ConnectionLost("The connection to the service was lost, so listening stopped. Press Listen to go on."));
    });
    signal.addEventListener("abort", stopped, { once: true });
  });
}
