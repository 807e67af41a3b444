// Every failure as a sentence a person can act on, from the API envelope's stable codes.
// The codes are the server's catalogue (domain/errors.py, ErrorCode): a test fails when one
// of them has no sentence here, or when a sentence names a code the server no longer has.

export class ApiError extends Error {
  constructor(status, code, message, details = {}, requestId = "") {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
  }
}

/** When to try again, from a Retry-After in seconds: "in 30 seconds", "in 15 minutes". */
export function retryIn(seconds) {
  if (!(seconds > 0)) return "in a moment";
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** A limit in seconds as people say it: "60 seconds", "30 minutes", "3 hours". */
function lengthOf(seconds) {
  if (seconds < 120) return `${seconds} seconds`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} minutes`;
  return `${Math.round(seconds / 3600)} hours`;
}

const SENTENCES = {
  EMPTY_FILE: () => "That file is empty. Choose another one.",
  UNSUPPORTED_FORMAT: () =>
    "That doesn't look like audio this service can read. Try an MP3, M4A, WAV, FLAC or OGG file.",
  CORRUPT_AUDIO: () => "The audio is damaged or cut short, so it can't be read. Try another copy.",
  UNREADABLE_FILE: () => "The file couldn't be read. Choose it again.",
  AUDIO_TOO_SHORT: (d) =>
    `The recording is too short to identify: at least ${d.min_seconds ?? 1} seconds are needed.`,
  // `use` names the route that takes it: a search refers a whole recording to the timeline.
  AUDIO_TOO_LONG: (d) =>
    d.use
      ? `That's longer than a clip (at most ${lengthOf(d.max_seconds ?? 60)}). For a whole song or a mix, use the timeline to get its tracklist: what plays when.`
      : d.max_seconds
        ? `The recording is too long: this service takes at most ${lengthOf(d.max_seconds)}.`
        : "The recording is too long for this service.",
  FILE_TOO_LARGE: (d) =>
    d.use
      ? "That file is too large to be a clip. For a whole song or a mix, use the timeline to get its tracklist: what plays when."
      : d.limit_bytes
        ? `The file is too large: this service accepts up to ${Math.floor(d.limit_bytes / 1e6)} MB.`
        : "The file is too large for this service.",
  INPUT_BROKE_OFF: () =>
    "The audio stopped arriving part-way, so listening ended there; what was heard before is shown.",
  SOURCE_UNREACHABLE: () => "The audio's address could not be reached. Check it and try again.",
  DUPLICATE: () => "That track is already in the library.",
  UNAUTHORIZED: () => "You need to sign in again: your session is missing or has expired.",
  FORBIDDEN: () => "Your account may not do this; an admin account is needed.",
  NOT_FOUND: () => "That track is no longer in the library.",
  METHOD_NOT_ALLOWED: () => "The service does not take that kind of request here.",
  REQUEST_TIMEOUT: () =>
    "The upload took too long to arrive, so the service stopped waiting. Check your connection and try again.",
  RANGE_NOT_SATISFIABLE: () => "That part of the audio file is past its end. Reload the track and play it again.",
  TOO_MANY_ATTEMPTS: (d) =>
    `Too many failed sign-ins for this account or from this address. Try again ${retryIn(d.retry_after_seconds)}.`,
  LANE_UNAVAILABLE: (d, message) =>
    message ? asSentence(message) : "Searching by sound is not available on this server right now.",
  SEARCH_TIMEOUT: () => "The search took too long. Try again in a moment.",
  TOO_MANY_REQUESTS: () => "Too many requests at once. Wait a moment and try again.",
  OVERLOADED: (d) => `The service is busy right now. Try again ${retryIn(d.retry_after_seconds)}.`,
  SERVICE_UNAVAILABLE: () => "The service is not ready yet. Try again in a moment.",
  DATABASE_UNAVAILABLE: () =>
    "The service's database is not answering right now; nothing was saved. Try again in a moment.",
  INDEX_UNAVAILABLE: () =>
    "The fingerprint index is not answering right now, so the exact search gave no answer. Try again in a moment.",
  STORAGE_FULL: () =>
    "The server has no disk space left, so the file could not be stored. Ask whoever runs it to free some space.",
  UNSUPPORTED_MEDIA_TYPE: () => "The browser sent something the service does not accept.",
  USERNAME_TAKEN: () => "That username is taken.",
  VALIDATION_ERROR: (d, message) => `The request was not accepted: ${message}.`,
  INTERNAL_ERROR: (d, message, requestId) =>
    `Something went wrong on the server.${requestId ? ` Quote request ${requestId} when reporting it.` : ""}`,
};

/** The sentence for any error a page meets: an ApiError, a network failure, or a bug. */
export function sentence(error, overrides = {}) {
  if (error instanceof ApiError) {
    const say = overrides[error.code] ?? SENTENCES[error.code];
    if (say) return say(error.details, error.message, error.requestId);
    return `The service refused the request (${error.status}): ${error.message}.`;
  }
  if (error instanceof TypeError) {
    return "The service can't be reached. Check your connection and try again.";
  }
  return error?.message ?? "Something went wrong.";
}

/** The server's own sentence ("the vibe lane is unavailable: …; set …"), capitalised. */
function asSentence(text) {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Why a search lane gave nothing, said in words (from the `lanes` part of a search). */
export function laneSentence(name, lane) {
  const what = name === "exact" ? "Exact matching" : "Sounds-alike search";
  switch (lane.status) {
    case "unavailable":
      return lane.reason ? asSentence(lane.reason) : `${what} is not available on this server.`;
    case "timeout":
      return `${what} took too long and was stopped; the other results are shown.`;
    case "failed":
      return `${what} failed this time${lane.reason ? ` (${lane.reason})` : ""}; try again.`;
    default:
      return null;
  }
}
