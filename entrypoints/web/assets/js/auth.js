// The signed-in user's bearer token, kept for this tab only (sessionStorage), never in a URL.

const KEY = "audio-ident.session";
const listeners = new Set();

/** {token, username, role, expiresAt} or null when nobody is signed in (or it expired). */
export function session() {
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(KEY) ?? "null");
  } catch {
    saved = null;
  }
  if (saved && Date.parse(saved.expiresAt) <= Date.now()) {
    signOut();
    return null;
  }
  return saved;
}

export function token() {
  return session()?.token ?? null;
}

export function isAdmin() {
  return session()?.role === "admin";
}

let endedBecause = ""; // why the last session ended, when the person did not end it

/** The sentence for a session the server ended (shown where one signs in again), or "". */
export const whySignedOut = () => endedBecause;

export function signedIn(token, user, expiresAt) {
  endedBecause = "";
  const saved = { token, username: user.username, role: user.role, expiresAt };
  sessionStorage.setItem(KEY, JSON.stringify(saved));
  notify();
}

/** `because`: a sentence when the server ended the session (a refused token). */
export function signOut(because = "") {
  endedBecause = because;
  if (sessionStorage.getItem(KEY) === null) return;
  sessionStorage.removeItem(KEY);
  notify();
}

export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify() {
  for (const listener of listeners) listener(session());
}
