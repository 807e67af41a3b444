// Matches as the result, the describe page and the running list show them.

import { alignmentPicture } from "./alignment.js";
import { vibeSwitchedOff } from "./capabilities.js";
import { h } from "./dom.js";
import { byArtist, offset, percent } from "./format.js";
import { laneSentence } from "./errors.js";
import { play } from "./player.js";

export function playButton(track, seconds, label = `Play from ${offset(seconds)}`) {
  return h(
    "button",
    { type: "button", class: "play", onclick: () => play(track, seconds) },
    h("span", { "aria-hidden": "true" }, "▶ "),
    label,
  );
}

function trackLink(track) {
  return h("a", { href: `#/track/${track.id}` }, track.title);
}

/** The best exact match, with its picture and a player from the offset. */
export function exactCard(match, clipSeconds) {
  return h(
    "article",
    { class: "card exact", "data-testid": "exact-match" },
    h("p", { class: "eyebrow" }, "Exact match"),
    h("h2", { class: "match-title" }, trackLink(match.track)),
    h("p", { class: "match-by" }, byArtist(match.track)),
    h(
      "dl",
      { class: "facts" },
      h("div", {}, h("dt", {}, "At"), h("dd", { "data-testid": "offset" }, offset(match.offset_seconds))),
      h("div", {}, h("dt", {}, "Confidence"), h("dd", {}, percent(match.confidence))),
      h("div", {}, h("dt", {}, "Aligned hashes"), h("dd", {}, String(match.aligned_hashes))),
    ),
    alignmentPicture(match, clipSeconds),
    playButton(match.track, match.offset_seconds),
  );
}

export function otherExact(matches) {
  if (!matches.length) return null;
  return h(
    "section",
    { class: "card" },
    h("h3", {}, "Also matched"),
    h(
      "ul",
      { class: "match-list" },
      matches.map((m) =>
        h(
          "li",
          {},
          h("span", { class: "grow" }, trackLink(m.track), h("small", {}, byArtist(m.track))),
          h("span", { class: "score" }, `${offset(m.offset_seconds)} · ${percent(m.confidence)}`),
          playButton(m.track, m.offset_seconds, "Play"),
        ),
      ),
    ),
  );
}

/** Tracks that sound alike, each playable from its best-matching chunk. */
export function vibeList(matches, heading = "Sounds like") {
  return h(
    "section",
    { class: "card vibe", "data-testid": "vibe-matches" },
    h("h3", {}, heading),
    matches.length
      ? h(
          "ul",
          { class: "match-list" },
          matches.map((m) =>
            h(
              "li",
              {},
              h("span", { class: "grow" }, trackLink(m.track), h("small", {}, byArtist(m.track))),
              h("span", { class: "score", title: "cosine similarity" }, `${percent(m.similarity, 1)} alike`),
              playButton(m.track, m.best_chunk_offset_seconds, "Play"),
            ),
          ),
        )
      : h("p", { class: "muted" }, "Nothing in the library sounds close enough."),
  );
}

/** The lanes that gave nothing for a reason other than "no match", in words; a lane
 * switched off on purpose is not news. */
export function laneNotes(lanes) {
  const notes = Object.entries(lanes)
    .filter(([name]) => !(name === "vibe" && vibeSwitchedOff()))
    .map(([name, lane]) => laneSentence(name, lane))
    .filter(Boolean);
  return notes.length
    ? h("div", { class: "notice", role: "note" }, notes.map((n) => h("p", {}, n)))
    : null;
}

/** The whole answer to one clip. */
export function resultView(response) {
  const [best, ...others] = response.exact_matches;
  const vibeRan = response.lanes.vibe.status === "ok";
  return h(
    "div",
    { class: "result", "data-testid": "result" },
    best
      ? exactCard(best, response.audio_seconds)
      : h(
          "article",
          { class: "card no-match", "data-testid": "no-match" },
          h("h2", {}, "No match"),
          h("p", {}, "This recording is not in the library."),
          h("p", { class: "muted" }, "If it should be, try a longer recording, closer to the speaker."),
        ),
    otherExact(others),
    vibeRan ? vibeList(response.vibe_matches) : null,
    laneNotes(response.lanes),
  );
}
