// A whole recording's tracklist (a song, a mix, a radio capture), built as the timeline's
// NDJSON lines arrive: a bar for how far through the file it is, one row per segment, and,
// once it is done, the tracklist saved as CSV, a CUE sheet or JSON (written by the server).

import { exportTimeline, timeline } from "./api.js";
import { h, replace } from "./dom.js";
import { ApiError, sentence } from "./errors.js";
import { byArtist, bytes, clock } from "./format.js";
import { playButton } from "./matches.js";

const EXPORTS = [
  ["csv", "CSV"],
  ["cue", "CUE sheet"],
  ["json", "JSON"],
];

/** Fills `area` with `file`'s tracklist as it is made; `note` says why a file went here. */
export async function showTracklist(area, file, { signal, note } = {}) {
  const view = new TracklistView(file, note);
  replace(area, view.element);
  try {
    for await (const line of timeline(file, file.name, { signal })) view.take(line);
    if (!view.over) throw new Error("The answer stopped part-way; what arrived is shown. Try again.");
  } catch (error) {
    if (error?.name !== "AbortError") view.failed(error);
  }
}

class TracklistView {
  constructor(file, note) {
    this.file = file;
    this.segments = [];
    this.over = false;
    this.reached = 0; // seconds of the file known so far
    this.total = null;
    this.bar = h("progress", { max: "1", "aria-label": `How far through ${file.name}`, "data-testid": "timeline-progress" });
    this.status = h("p", { class: "muted timeline-status", "aria-live": "polite" }, `Sending ${file.name}…`);
    this.rows = h("ol", { class: "tracklist", "aria-label": "Tracklist" });
    this.exports = h("div", { class: "exports", hidden: true });
    this.error = h("p", { class: "error", role: "alert" });
    this.element = h(
      "section",
      { class: "card tracklist-card", "data-testid": "tracklist" },
      h("h2", {}, "Tracklist"),
      h("p", { class: "match-by" }, file.name, h("small", {}, bytes(file.size))),
      note ? h("p", { class: "notice", role: "note" }, note) : null,
      this.bar,
      this.status,
      this.rows,
      this.error,
      this.exports,
    );
  }

  take(line) {
    if (line.type === "segment") {
      this.segments.push(line);
      this.rows.append(segmentRow(line));
      this.progress(line.end_seconds, this.total);
    } else if (line.type === "progress") {
      this.progress(line.seconds, line.total_seconds);
    } else if (line.type === "end") {
      this.over = true;
      this.bar.value = 1;
      const count = `${line.segments} segment${line.segments === 1 ? "" : "s"}`;
      this.status.textContent = `Done: ${count} in ${clock(line.seconds)}.`;
      this.offerExports();
    } else if (line.type === "error") {
      this.over = true;
      const { code, message, details } = line.error; // the error response's object, no status
      this.failed(new ApiError(0, code, message, details));
    }
  }

  /** How far through the file: progress lines, and settled segments (which may come
   * between two progress lines) say it. */
  progress(seconds, total) {
    this.reached = Math.max(this.reached, seconds);
    this.total = total ?? this.total;
    if (this.total) this.bar.value = Math.min(1, this.reached / this.total);
    this.status.textContent = this.total
      ? `Listening through it: ${clock(this.reached)} of ${clock(this.total)}.`
      : `Listening through it: ${clock(this.reached)} so far.`;
  }

  failed(error) {
    this.bar.hidden = true;
    const kept = this.segments.length;
    this.status.textContent = kept ? `Stopped after ${kept} segment${kept === 1 ? "" : "s"}.` : "";
    this.error.textContent = sentence(error);
    this.offerExports();
  }

  offerExports() {
    if (!this.segments.length) return;
    const buttons = EXPORTS.map(([format, label]) =>
      h("button", { type: "button", class: "secondary", onclick: (event) => this.save(format, event.currentTarget) }, label),
    );
    replace(this.exports, h("span", { class: "muted" }, "Save as"), buttons);
    this.exports.hidden = false;
  }

  /** The server writes the file; the page hands it over as a download made from a Blob. */
  async save(format, button) {
    button.disabled = true;
    try {
      const blob = await exportTimeline(format, this.file.name, this.segments);
      const url = URL.createObjectURL(blob);
      const link = h("a", { href: url, download: `${stemOf(this.file.name)}.${format}`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      this.error.textContent = sentence(error);
    } finally {
      button.disabled = false;
    }
  }
}

function stemOf(name) {
  return name.replace(/\.[^.]*$/, "") || "tracklist";
}

/** 1.04 → "played 4 % fast" (its tempo; its pitch too unless the key was kept, see pitchNote). */
function speedNote(speed) {
  const percent = Math.round((speed - 1) * 100);
  if (!percent) return null;
  return `played ${Math.abs(percent)} % ${percent > 0 ? "fast" : "slow"}`;
}

/** 1 → "pitch +1.0 semitone"; 0 with a changed speed → "key kept"; null: not measured. */
function pitchNote(semitones, speed) {
  if (semitones === null || semitones === undefined) return null;
  if (Math.abs(semitones) < 0.15) return speedNote(speed) ? "key kept" : null;
  const sign = semitones > 0 ? "+" : "−";
  const unit = Math.abs(semitones) === 1 ? "semitone" : "semitones";
  return `pitch ${sign}${Math.abs(semitones).toFixed(1)} ${unit}`;
}

function segmentRow(segment) {
  const { track } = segment;
  const when = h(
    "span",
    { class: "when", "data-testid": "segment-when" },
    h("time", {}, clock(segment.start_seconds)),
    "–",
    h("time", {}, clock(segment.end_seconds)),
  );
  if (!track) {
    return h(
      "li",
      { class: "unknown", "data-testid": "segment" },
      when,
      h("span", { class: "grow" }, h("span", { class: "segment-title" }, "Unknown"), h("small", {}, "Not in the library")),
    );
  }
  const details = [
    `from ${clock(segment.offset_seconds)} in the track`,
    speedNote(segment.speed),
    pitchNote(segment.pitch_semitones, segment.speed),
  ];
  return h(
    "li",
    { "data-testid": "segment" },
    when,
    h(
      "span",
      { class: "grow" },
      h("a", { class: "segment-title", href: `#/track/${track.id}` }, track.title),
      h("small", {}, byArtist(track)),
      h("small", { class: "where", title: "Speed: how fast the track plays here; pitch: how far its key moved" }, details.filter(Boolean).join(" · ")),
    ),
    playButton(track, segment.offset_seconds, "Play"),
  );
}
