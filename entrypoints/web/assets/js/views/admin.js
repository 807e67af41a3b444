// Admin: sign in (the API's JWT, kept for this tab), then ingest files one by one with
// each file's progress and outcome.

import { ingest, me, signIn } from "../api.js";
import { session, signOut, signedIn, whySignedOut } from "../auth.js";
import { h, pageHeading, replace } from "../dom.js";
import { dropZone } from "../drop_zone.js";
import { sentence } from "../errors.js";
import { bytes } from "../format.js";

const AT_ONCE = 2; // uploads in flight; the server ingests each file as it arrives

export function render(main) {
  const who = session();
  replace(main, pageHeading("Admin"), who ? signedInView(main, who) : signInForm(main));
  // Is the token still accepted? A refused one signs out (api.js), and the form comes back.
  if (who) me().catch(() => {});
}

function signInForm(main) {
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const message = h("p", { class: "error", role: "alert" });
  const ended = whySignedOut();
  const form = h(
    "form",
    { class: "card sign-in" },
    h("h2", {}, "Sign in"),
    ended ? h("p", { class: "notice", "data-testid": "signed-out" }, ended) : null,
    h("label", { for: "username" }, "Username"),
    username,
    h("label", { for: "password" }, "Password"),
    password,
    h("button", { type: "submit" }, "Sign in"),
    message,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    try {
      const issued = await signIn(username.value, password.value);
      signedIn(issued.access_token, { username: username.value, role: "user" }, issued.expires_at);
      const user = await me();
      signedIn(issued.access_token, user, issued.expires_at);
      render(main);
    } catch (error) {
      signOut();
      message.textContent = sentence(error, {
        UNAUTHORIZED: () => "That username and password don't match. Try again.",
      });
    }
  });
  return form;
}

function signedInView(main, who) {
  const out = h("button", { type: "button", class: "secondary", onclick: () => (signOut(), render(main)) }, "Sign out");
  const account = h("p", { class: "account" }, `Signed in as ${who.username} (${who.role}). `, out, " ", h("a", { href: "#/status" }, "Service status"));
  if (who.role !== "admin") {
    return [account, h("p", { class: "notice" }, "This account may search but not add or delete tracks: sign in with an admin account.")];
  }
  return [account, ingestSection()];
}

function ingestSection() {
  const list = h("ul", { class: "uploads", "data-testid": "uploads" });
  const zone = dropZone({
    prompt: "Drop audio files here to add them to the library",
    button: "Choose files",
    multiple: true,
    testId: "ingest-files",
    onFiles: (files) => queue(files, list),
  });
  return h("section", { class: "card" }, h("h2", {}, "Add tracks"), zone, list);
}

async function queue(files, list) {
  const jobs = [...files].map((file) => {
    const bar = h("progress", { max: "1", value: "0", "aria-label": `Upload of ${file.name}` });
    const outcome = h("span", { class: "outcome", "data-testid": "outcome" }, "waiting");
    const item = h("li", { "data-file": file.name }, h("span", { class: "file-name" }, file.name, h("small", {}, bytes(file.size))), bar, outcome);
    list.append(item);
    return { file, bar, outcome, item };
  });
  const next = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) await upload(job);
  };
  await Promise.all(Array.from({ length: AT_ONCE }, next));
}

async function upload({ file, bar, outcome, item }) {
  outcome.textContent = "uploading…";
  try {
    const answer = await ingest(file, (share) => {
      bar.value = share;
      if (share >= 1) outcome.textContent = "processing…";
    });
    const result = answer.files[0];
    bar.value = 1;
    item.dataset.status = result.status;
    if (result.status === "ingested") {
      replace(outcome, "ingested — ", h("a", { href: `#/track/${result.track_id}` }, "view"));
    } else if (result.status === "duplicate") {
      // The reason says when this file replaced the kept copy ("replaced the kept copy: lossless").
      replace(outcome, "duplicate of ", h("a", { href: `#/track/${result.track_id}` }, "a track already in the library"), result.reason ? ` — ${result.reason}` : "");
    } else {
      item.dataset.status = "failed";
      outcome.textContent = `failed: ${result.reason ?? result.code}`;
    }
  } catch (error) {
    item.dataset.status = "failed";
    outcome.textContent = `failed: ${sentence(error)}`;
  }
}
