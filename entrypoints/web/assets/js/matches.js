// Matches as the result, the describe page and the running list show them.

import { alignmentPicture } from "./alignment.js";
import { vibeSwitchedOff } from "./capabilities.js";
import { h } from "./dom.js";
import { byArtist, offset } from "./format.js";
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

// What the API's `certainty` words mean (the chance of a coincidence behind `confidence`).
const CERTAINTY_MEANS = {
  certain: "A coincidence this strong happens less than once in 1,000 searches",
  likely: "A coincidence this strong happens less than once in 20 searches",
  possible: "Weak evidence: it could be a coincidence",
};

const ALIKE_MEANS =
  "Compared with random pairs of 10 s passages from two different tracks of this library";

/** Where a sounds-alike match falls among the library's own pairs (the API's percentile). */
function alikeText(match) {
  if (match.alike_percentile == null) return `cosine ${match.similarity.toFixed(2)}`;
  return `more alike than ${Math.round(match.alike_percentile)} % of pairs`;
}

function capitalised(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
      h(
        "div",
        {},
        h("dt", {}, "How sure"),
        h("dd", { "data-testid": "certainty", title: CERTAINTY_MEANS[match.certainty] }, capitalised(match.certainty)),
      ),
    ),
    h("p", { class: "evidence", "data-testid": "evidence" }, capitalised(match.evidence) + "."),
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
          h(
            "span",
            { class: "score", title: CERTAINTY_MEANS[m.certainty] },
            `${offset(m.offset_seconds)} · ${m.certainty}`,
          ),
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
              h("span", { class: "score", title: ALIKE_MEANS }, alikeText(m)),
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
