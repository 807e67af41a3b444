// The app's shell: routes on the URL fragment (#/library?page=2, #/track/<id>) to a view.
// A view's render(main, params, ...path) may return a cleanup function, run on leaving it.

import { onChange, session } from "./auth.js";
import { learn, vibeSwitchedOff } from "./capabilities.js";
import { setUpPlayer } from "./player.js";
import * as admin from "./views/admin.js";
import * as describe from "./views/describe.js";
import * as library from "./views/library.js";
import * as listen from "./views/listen.js";
import * as status from "./views/status.js";
import * as track from "./views/track.js";

const VIEWS = { listen, describe, library, track, admin, status };
const NAV = { track: "library", status: "admin" }; // which menu entry a page belongs to
let leave = null;

function route() {
  const [path, query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const [name, ...rest] = path.split("/");
  return { name: name in VIEWS ? name : "listen", rest, params: new URLSearchParams(query) };
}

function show() {
  if (location.hash && !location.hash.startsWith("#/")) return; // the skip link's #main
  const { name, rest, params } = route();
  leave?.();
  const main = document.getElementById("main");
  leave = VIEWS[name].render(main, params, ...rest) ?? null;
  for (const link of document.querySelectorAll("nav [data-route]")) {
    const current = link.dataset.route === (NAV[name] ?? name);
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${main.querySelector("h1")?.textContent ?? "audio-ident"} · audio-ident`;
  if (document.activeElement === document.body || !main.contains(document.activeElement)) {
    main.querySelector("h1")?.focus({ preventScroll: true });
  }
}

function markAdmin() {
  document.body.classList.toggle("signed-in", Boolean(session()));
}

/** A lane switched off on purpose: its menu entry goes; a page of it already open is redrawn. */
function markCapabilities() {
  const off = vibeSwitchedOff();
  for (const link of document.querySelectorAll('nav [data-route="describe"]')) link.hidden = off;
  if (off && route().name === "describe") show();
}

setUpPlayer();
onChange(markAdmin);
// Signed out (a refused token too): the admin page shows the sign-in form again.
onChange((now) => {
  if (!now && route().name === "admin") show();
});
markAdmin();
window.addEventListener("hashchange", show);
show();
learn().then(markCapabilities);
