// The HTTP API, same origin. Every failure becomes an ApiError carrying the envelope's code.

import { signOut, token } from "./auth.js";
import { ApiError, retryIn } from "./errors.js";
import { ndjsonLines } from "./ndjson.js";
import { toast } from "./toast.js";

const BASE = "/api/v1";

const SIGNED_OUT = "You have been signed out: the server no longer accepts your sign-in. Sign in again.";

/** A token the server refuses (it expired, or the server's secret changed): the page must
 * not go on saying "Signed in as …" while every action fails. */
function refused(status, sentToken) {
  if (status !== 401 || !sentToken || token() !== sentToken) return;
  signOut(SIGNED_OUT);
  toast(SIGNED_OUT, { error: true });
}

function headers(extra = {}) {
  const bearer = token();
  return bearer ? { Authorization: `Bearer ${bearer}`, ...extra } : extra;
}

async function failure(response) {
  const requestId = response.headers.get("X-Request-ID") ?? "";
  try {
    const { error } = await response.json();
    return new ApiError(response.status, error.code, error.message, error.details, requestId);
  } catch {
    return new ApiError(response.status, `HTTP_${response.status}`, response.statusText, {}, requestId);
  }
}

// A busy service (503 with Retry-After) is asked once more after the wait it names, when
// that is short enough to wait for with the page open; a second refusal is shown.
const RETRY_WITHIN_SECONDS = 30;

/** The seconds a refusal asks the page to wait before its one retry, or null: none. */
function retryAfter(response) {
  if (response.status !== 503) return null;
  const header = response.headers.get("Retry-After") ?? "";
  const seconds = Number(header);
  if (!/^\d+$/.test(header) || seconds > RETRY_WITHIN_SECONDS) return null;
  return seconds;
}

/** Wait `seconds`; an abort (the person dropped another file) ends the wait at once. */
function pause(seconds, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, seconds * 1000);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** The response, once it is known to be no failure (or one of those `allowed` through). */
async function request(method, path, { body, query, signal, allowed = () => false } = {}) {
  const url = new URL(path.startsWith("/") ? path : `${BASE}/${path}`, location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const init = { method, headers: headers(), signal };
  if (body instanceof FormData || body instanceof URLSearchParams) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const sent = token();
  let response = await fetch(url, init);
  const wait = retryAfter(response);
  if (wait !== null) {
    toast(`The service is busy: trying again ${retryIn(wait)}…`);
    await pause(wait, signal);
    response = await fetch(url, init);
  }
  refused(response.status, sent);
  if (!response.ok && !allowed(response)) throw await failure(response);
  return response;
}

async function call(method, path, options = {}) {
  // Readiness answers 503 with its full report when a required store is down.
  const allowed = (response) => response.status === 503 && path === "/health/ready";
  const response = await request(method, path, { ...options, allowed });
  return response.status === 204 ? null : response.json();
}

// Searches name no mode or number of matches unless a caller asks: the server's search
// policy decides, the same for the web app, the HTTP API and the CLI.

/** Identify a clip (a recording or a file): exact matches, sounds-alike, and each lane's state. */
export function search(blob, filename, { maxResults, signal } = {}) {
  const form = new FormData();
  form.append("audio", blob, filename);
  if (maxResults !== undefined) form.append("max_results", String(maxResults));
  form.append("exclude_exact_from_vibe", "true"); // a track always sounds like itself
  return call("POST", "search", { body: form, signal });
}

/** What plays when in a whole recording: the timeline's NDJSON lines as they arrive
 * (segment, progress, then end or error). An unusable upload throws before any line. */
export async function* timeline(blob, filename, { signal } = {}) {
  const form = new FormData();
  form.append("audio", blob, filename);
  const response = await request("POST", "timeline", { body: form, signal });
  yield* ndjsonLines(response.body);
}

/** Settled segments as a download: "csv", "cue" or "json", written by the server (the
 * same formats as the CLI's). Resolves to a Blob. */
export async function exportTimeline(format, file, segments) {
  const body = { file, segments };
  return (await request("POST", "timeline/export", { body, query: { format } })).blob();
}

/** The live-listening WebSocket; a signed-in tab's token goes as the subprotocols
 * `bearer, <token>` (a browser cannot set headers on a WebSocket; never in the URL). */
export function listenSocket() {
  const url = new URL(`${BASE}/listen`, location.origin);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const bearer = token();
  return bearer ? new WebSocket(url, ["bearer", bearer]) : new WebSocket(url);
}

export function searchText(text, maxResults) {
  const body = maxResults === undefined ? { text } : { text, max_results: maxResults };
  return call("POST", "search/text", { body });
}

export function tracks({ page = 1, pageSize = 20, q = "", sort } = {}, signal) {
  return call("GET", "tracks", { query: { page, page_size: pageSize, q, sort }, signal });
}

export const track = (id) => call("GET", `tracks/${id}`);
export const deleteTrack = (id) => call("DELETE", `tracks/${id}`);
export const me = () => call("GET", "auth/me");
export const readiness = () => call("GET", "/health/ready");
export const audioUrl = (id) => `${BASE}/tracks/${id}/audio`;
/** Rename a track (admin): `names` holds any of title, artist, album; "" clears artist or album. */
export const editTrack = (id, names) => call("PATCH", `tracks/${id}`, { body: names });

export function signIn(username, password) {
  const form = new URLSearchParams({ username, password, grant_type: "password" });
  return call("POST", "auth/token", { body: form });
}

/** Ingest one file (admin); XHR because fetch cannot report upload progress. */
export function ingest(file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    const sent = token();
    request.open("POST", `${BASE}/ingest`);
    for (const [name, value] of Object.entries(headers())) request.setRequestHeader(name, value);
    request.responseType = "json";
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      refused(request.status, sent);
      const body = request.response;
      if (request.status < 300 && body) return resolve(body);
      const error = body?.error ?? { code: `HTTP_${request.status}`, message: request.statusText };
      const id = request.getResponseHeader("X-Request-ID") ?? "";
      reject(new ApiError(request.status, error.code, error.message, error.details, id));
    });
    request.addEventListener("error", () => reject(new TypeError("network error")));
    const form = new FormData();
    form.append("audio", file, file.name);
    request.send(form);
  });
}
