// The HTTP API, same origin. Every failure becomes an ApiError carrying the envelope's code.

import { signOut, token } from "./auth.js";
import { ApiError } from "./errors.js";
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

async function call(method, path, { body, query, signal } = {}) {
  const url = new URL(path.startsWith("/") ? path : `${BASE}/${path}`, location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const sent = token();
  const init = { method, headers: headers(), signal };
  if (body instanceof FormData || body instanceof URLSearchParams) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(url, init);
  refused(response.status, sent);
  // Readiness answers 503 with its full report when a required store is down.
  if (!response.ok && !(response.status === 503 && path === "/health/ready")) {
    throw await failure(response);
  }
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

export function searchText(text, maxResults) {
  const body = maxResults === undefined ? { text } : { text, max_results: maxResults };
  return call("POST", "search/text", { body });
}

export function tracks({ page = 1, pageSize = 20, q = "", sort } = {}, signal) {
  return call("GET", "tracks", { query: { page, page_size: pageSize, q, sort }, signal });
}

export const track = (id) => call("GET", `tracks/${id}`);
export const deleteTrack = (id) => call("DELETE", `tracks/${id}`);
/** Rename a track (admin): `names` holds any of title, artist, album; "" clears artist or album. */
export const editTrack = (id, names) => call("PATCH", `tracks/${id}`, { body: names });
export const me = () => call("GET", "auth/me");
export const readiness = () => call("GET", "/health/ready");
export const audioUrl = (id) => `${BASE}/tracks/${id}/audio`;

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
