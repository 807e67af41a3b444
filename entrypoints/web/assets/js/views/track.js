// One track: metadata, file facts, whether each index holds it; admins may rename or delete it.

import { deleteTrack, editTrack, track } from "../api.js";
import { isAdmin } from "../auth.js";
import { h, pageHeading, replace } from "../dom.js";
import { sentence } from "../errors.js";
import { artist, byArtist, bytes, date, duration, indexName } from "../format.js";
import { playButton } from "../matches.js";
import { toast } from "../toast.js";

export function render(main, params, id) {
  replace(main, pageHeading("Track"), h("p", { class: "muted" }, "Loading…"));
  track(id).then(
    (details) => show(main, details),
    (error) => replace(main, pageHeading("Track"), h("p", { class: "error", role: "alert" }, sentence(error)), backLink()),
  );
}

function backLink() {
  return h("p", {}, h("a", { href: "#/library" }, "‹ Back to the library"));
}

const row = (term, value) => h("div", {}, h("dt", {}, term), h("dd", {}, value));

function show(main, t) {
  const tech = t.technical;
  replace(
    main,
    backLink(),
    pageHeading(t.title),
    h("p", { class: "match-by" }, byArtist(t)),
    playButton(t, 0, "Play"),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "About"),
      h(
        "dl",
        { class: "details" },
        row("Title", t.title),
        row("Artist", artist(t.artist)),
        row("Album", t.album ?? "—"),
        row("Length", duration(t.duration_seconds)),
        row("Added", date(t.created_at)),
      ),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "File"),
      h(
        "dl",
        { class: "details" },
        row("Original name", tech.original_filename ?? "—"),
        row("Format", tech.format),
        row("Sample rate", `${tech.sample_rate} Hz`),
        row("Channels", String(tech.channels)),
        row("Bit rate", tech.bitrate ? `${Math.round(tech.bitrate / 1000)} kbit/s` : "—"),
        row("Size", bytes(tech.file_size)),
        row("SHA-256", h("code", { class: "hash" }, tech.sha256)),
      ),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Indexes"),
      h(
        "ul",
        { class: "index-states", "data-testid": "index-states" },
        Object.entries(t.projections).map(([name, state]) =>
          h("li", { class: state }, h("span", {}, indexName(name)), h("strong", {}, state === "indexed" ? "holds it" : "not yet (catching up)")),
        ),
      ),
    ),
    isAdmin() ? editSection(main, t) : null,
    isAdmin() ? deleteSection(t) : null,
  );
}

function editSection(main, t) {
  const field = (id, label, value, extra = {}) => [
    h("label", { for: id }, label),
    h("input", { id, name: id, value: value ?? "", maxlength: "500", autocomplete: "off", ...extra }),
  ];
  const message = h("p", { class: "error", role: "alert" });
  const form = h(
    "form",
    { class: "card edit-names", "data-testid": "edit-names" },
    h("h2", {}, "Names"),
    field("edit-title", "Title", t.title, { required: true }),
    field("edit-artist", "Artist", t.artist, { placeholder: "none: shown as “Unknown artist”" }),
    field("edit-album", "Album", t.album, { placeholder: "none" }),
    h("button", { type: "submit" }, "Save names"),
    message,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    const value = (id) => form.querySelector(`#${id}`).value;
    try {
      const saved = await editTrack(t.id, { title: value("edit-title"), artist: value("edit-artist"), album: value("edit-album") });
      show(main, saved);
      toast(`Saved “${saved.title}”.`);
    } catch (error) {
      message.textContent = sentence(error);
    }
  });
  return form;
}

function deleteSection(t) {
  const dialog = h(
    "dialog",
    { class: "confirm", "aria-labelledby": "confirm-title" },
    h("h2", { id: "confirm-title" }, `Delete “${t.title}”?`),
    h("p", {}, "The track and its stored file are removed; the indexes forget it within moments. This cannot be undone."),
    h(
      "form",
      { method: "dialog", class: "buttons" },
      h("button", { value: "cancel", class: "secondary", autofocus: true }, "Cancel"),
      h("button", { value: "delete", class: "danger" }, "Delete"),
    ),
  );
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "delete") return;
    try {
      await deleteTrack(t.id);
      toast(`Deleted “${t.title}”.`);
      location.hash = "#/library";
    } catch (error) {
      toast(sentence(error), { error: true });
    }
  });
  return h(
    "section",
    { class: "card danger-zone" },
    h("h2", {}, "Admin"),
    h("button", { type: "button", class: "danger", onclick: () => dialog.showModal() }, "Delete this track…"),
    dialog,
  );
}
