// Listen (the microphone) or drop a file → the result, or a whole recording's tracklist;
// "keep listening" streams to the service and keeps a history of the songs heard.

import { search } from "../api.js";
import { h, pageHeading, replace } from "../dom.js";
import { dropZone } from "../drop_zone.js";
import { sentence } from "../errors.js";
import { playingSeconds } from "../file_length.js";
import { byArtist, heardAt } from "../format.js";
import { HeardHistory } from "../heard.js";
import { listenLive } from "../live_listening.js";
import { listenOnce } from "../listening.js";
import { resultView } from "../matches.js";
import { showTracklist } from "../tracklist.js";

const LENGTHS = [3, 4, 5, 6, 7, 8, 9, 10];
const HINT = "Hold your device near the music and press Listen.";
const settings = { seconds: 5, keep: false }; // remembered while the tab lives
// The longest clip the search takes (its SEARCH_MAX_SECONDS, 60 by default): a file known
// to be longer goes to the timeline without being sent to the search first. A search that
// says otherwise (AUDIO_TOO_LONG names its limit) corrects it.
let clipSeconds = 60;
const LONG_NOTE = "That's longer than a clip, so here is its tracklist: what plays when.";

export function render(main) {
  let session = null; // the AbortController of a listening run or of a file's work
  let microphone = false; // whether `session` is a listening run
  const history = new HeardHistory();
  const button = h("button", { type: "button", class: "listen-button", "aria-pressed": "false" });
  const meter = h("div", { class: "meter-level" });
  const status = h("p", { class: "listen-status", "aria-live": "polite" });
  const result = h("div", { class: "result-area" });
  const heard = h("ol", { class: "heard-list", "aria-label": "Heard so far" });
  const clear = h("button", { type: "button", class: "quiet", onclick: () => (history.clear(), showHeard()) }, "Clear history");
  const heardBox = h(
    "section",
    { class: "card heard", hidden: true },
    h("div", { class: "card-heading" }, h("h2", {}, "Heard"), clear),
    heard,
  );
  const showHeard = () => {
    replace(heard, history.list().map(heardRow));
    heardBox.hidden = !history.rows.length;
  };

  const length = h(
    "select",
    { id: "clip-length", disabled: settings.keep, onchange: () => (settings.seconds = Number(length.value)) },
    LENGTHS.map((s) => h("option", { value: String(s), selected: s === settings.seconds }, `${s} s`)),
  );
  const keep = h("input", {
    type: "checkbox",
    id: "keep-listening",
    checked: settings.keep,
    onchange: () => {
      settings.keep = keep.checked;
      length.disabled = keep.checked; // a stream has no clip length
    },
  });

  const show = (phase, text) => {
    main.querySelector(".listen").dataset.phase = phase;
    button.textContent = phase === "recording" ? "Stop" : "Listen";
    button.setAttribute("aria-pressed", String(phase === "recording"));
    status.textContent = text;
  };
  const failed = (error, testId) => {
    replace(result, h("p", { class: "error", role: "alert", "data-testid": testId }, sentence(error)));
    reveal(result);
  };
  const level = (value) => (meter.style.transform = `scaleX(${value})`);

  const once = async (signal) => {
    const { response, seconds } = await listenOnce({
      seconds: settings.seconds,
      signal,
      on: {
        level,
        tick: (left) => show("recording", `Listening… ${Math.ceil(left)}`),
        phase: (phase) => show(phase, phase === "recording" ? `Listening… ${settings.seconds}` : "Identifying…"),
      },
    });
    replace(result, resultView(response));
    reveal(result);
    const early = seconds < settings.seconds - 0.5;
    show("idle", early ? `Sure after ${Math.round(seconds)} s, so it stopped listening.` : HINT);
  };

  const live = async (signal) => {
    const run = String(Date.now());
    let playing = null;
    const nowPlaying = () => show("recording", playing ? `Now playing: ${playing.title} — ${byArtist(playing)}` : "Listening… every song heard is added below.");
    try {
      await listenLive({
        signal,
        on: {
          level,
          listening: nowPlaying,
          line: (line, startedAt) => {
            const at = (seconds) => startedAt + seconds * 1000;
            if (line.type === "segment_started" && line.track) {
              history.heard(run, line.track, at(line.start_seconds), at(line.start_seconds), true);
              playing = line.track;
              history.playing(run, playing.id, at(line.start_seconds));
            } else if (line.type === "segment" && line.track) {
              history.heard(run, line.track, at(line.start_seconds), at(line.end_seconds), false);
              if (playing?.id === line.track.id) {
                playing = null;
                history.playing(run, null, 0);
              }
            } else if (line.type === "progress" && playing) {
              // The song that plays now was heard up to the newest audio analysed.
              history.playing(run, playing.id, at(line.seconds));
            } else return;
            showHeard();
            if (!signal.aborted) nowPlaying();
          },
        },
      });
      show("idle", "Stopped.");
    } finally {
      history.ended(run);
      showHeard();
    }
  };

  const start = async () => {
    session?.abort();
    session = new AbortController();
    microphone = true;
    const { signal } = session;
    replace(result);
    show("recording", "Opening the microphone…");
    try {
      await (settings.keep ? live(signal) : once(signal));
    } catch (error) {
      if (error?.name === "AbortError") return;
      show("idle", HINT);
      failed(error, "mic-error");
    } finally {
      level(0);
      if (session?.signal === signal) session = null;
    }
  };

  button.addEventListener("click", () => {
    if (!session || !microphone) return start();
    session.abort();
    session = null;
    show("idle", settings.keep ? "Stopping…" : "Stopped.");
  });

  /** A whole recording's tracklist, built as the timeline answers. */
  const tracklist = async (file, note) => {
    session?.abort();
    session = new AbortController();
    microphone = false;
    const { signal } = session;
    show("identifying", `Making the tracklist of ${file.name}…`);
    await showTracklist(result, file, { signal, note });
    reveal(result);
    if (session?.signal === signal) {
      session = null;
      show("idle", HINT);
    }
  };

  /** A clip is identified; a file longer than a clip gets its tracklist instead. */
  const identifyFile = async (file) => {
    if (!file) return;
    session?.abort();
    session = null;
    const seconds = await playingSeconds(file);
    if (seconds !== null && seconds > clipSeconds + 0.5) return tracklist(file, LONG_NOTE);
    show("identifying", `Identifying ${file.name}…`);
    replace(result);
    try {
      replace(result, resultView(await search(file, file.name)));
      reveal(result);
    } catch (error) {
      // The search refers a whole recording to the timeline (`details.use`): go there.
      if (error.details?.use) {
        clipSeconds = error.details.max_seconds ?? clipSeconds;
        return tracklist(file, LONG_NOTE);
      }
      failed(error);
    }
    show("idle", HINT);
  };

  replace(
    main,
    pageHeading("What's playing?"),
    h(
      "section",
      { class: "listen", "data-phase": "idle" },
      button,
      h("div", { class: "meter", "aria-hidden": "true" }, meter),
      status,
      h(
        "div",
        { class: "listen-options" },
        h("label", { for: "clip-length" }, "Record for ", length),
        h("label", { for: "keep-listening", class: "check" }, keep, " Keep listening"),
      ),
    ),
    dropZone({
      prompt: "Or drop an audio file here: a clip is identified; a whole song, a mix or a radio capture gets its tracklist.",
      button: "Choose a file",
      accept: "audio/*,video/*,.mp3,.m4a,.aac,.wav,.flac,.ogg,.opus,.webm",
      testId: "clip-file",
      onFiles: (files) => identifyFile(files[0]),
      more: [{ button: "Tracklist of a file", testId: "tracklist-file", onFiles: (files) => files[0] && tracklist(files[0]) }],
    }),
    result,
    heardBox,
  );
  show("idle", HINT);
  showHeard();
  return () => session?.abort();
}

function heardRow(row) {
  const time = (ms, testId) => {
    const moment = new Date(ms);
    return h("time", { datetime: moment.toISOString(), "data-testid": testId }, heardAt(moment));
  };
  return h(
    "li",
    { "data-testid": "heard-song" },
    h("span", { class: "grow" }, h("a", { href: `#/track/${row.track.id}` }, row.track.title), h("small", {}, byArtist(row.track))),
    h(
      "span",
      { class: "heard-when" },
      time(row.first, "first-heard"),
      " – ",
      row.now ? h("span", { "data-testid": "last-heard" }, "now") : time(HeardHistory.lastHeard(row), "last-heard"),
    ),
  );
}

/** Scroll an answer into view when it landed below the fold (a phone's narrow page puts the
 * controls first); a page that already shows it does not move. */
function reveal(element) {
  const top = element.getBoundingClientRect().top;
  if (top >= 0 && top < window.innerHeight * 0.6) return;
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  element.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
}
