// The microphone: open it (with why it failed, in words), measure its level, record it.

export class MicrophoneError extends Error {}

// Music, not a call: echo cancellation, noise suppression and automatic gain all reshape
// the spectrum the fingerprints are made of.
const CONSTRAINTS = {
  audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
};

// Chromium and Firefox record Opus in WebM, Safari AAC in MP4; the API decodes both.
const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4", "audio/webm"];

export async function openMicrophone() {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    throw new MicrophoneError(
      "The browser only lets pages use the microphone over HTTPS or on localhost. " +
        "Open this page at https://… (see the README on serving with TLS), or drop a file instead.",
    );
  }
  if (typeof MediaRecorder === "undefined") {
    throw new MicrophoneError("This browser cannot record audio. Drop a file instead.");
  }
  try {
    return await navigator.mediaDevices.getUserMedia(CONSTRAINTS);
  } catch (error) {
    throw new MicrophoneError(explain(error));
  }
}

function explain(error) {
  switch (error?.name) {
    case "NotAllowedError":
    case "SecurityError":
      return (
        "Microphone access was refused. Allow it for this site (the icon next to the address " +
        "bar, or your browser's site settings), then press Listen again."
      );
    case "NotFoundError":
    case "OverconstrainedError":
      return "No microphone was found. Connect one (or pick it in your system's sound settings) and try again.";
    case "NotReadableError":
    case "AbortError":
      return "The microphone is busy or failed to start. Close other apps that use it and try again.";
    default:
      return `The microphone could not be opened (${error?.message ?? error}).`;
  }
}

function recordingType() {
  return TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? "";
}

export function extensionOf(type) {
  if (type.includes("mp4")) return "m4a";
  if (type.includes("ogg")) return "ogg";
  return "webm";
}

/** Calls onLevel(0..1) once a frame until the returned stop function is called (once or more). */
export function watchLevel(stream, onLevel) {
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let frame = 0;
  const tick = () => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const value of samples) sum += value * value;
    const rms = Math.sqrt(sum / samples.length);
    // About 60 dB of range shown: -60 dBFS at the left, 0 dBFS at the right.
    onLevel(Math.min(1, Math.max(0, 1 + (20 * Math.log10(rms + 1e-9)) / 60)));
    frame = requestAnimationFrame(tick);
  };
  tick();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    cancelAnimationFrame(frame);
    context.close();
  };
}

/** A MediaRecorder of `stream` in the first format the browser records of those the API reads. */
export function newRecorder(stream) {
  const type = recordingType();
  return new MediaRecorder(stream, type ? { mimeType: type } : {});
}
