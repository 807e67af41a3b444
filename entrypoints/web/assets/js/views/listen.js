// Listen (the microphone) or drop a file → the result; "keep listening" keeps a running list.

import { search } from "../api.js";
import { h, pageHeading, replace } from "../dom.js";
import { dropZone } from "../drop_zone.js";
import { sentence } from "../errors.js";
import { byArtist, offset } from "../format.js";
import { listen } from "../listening.js";
import { resultView } from "../matches.js";
import { clipTransport } from "../transport.js";

const LENGTHS = [3, 4, 5, 6, 7, 8, 9, 10];
const HINT = "Hold your device near the music and press Listen.";
const settings = { seconds: 5, keep: false }; // remembered while the tab lives

export function render(main) {
  let session = null; // the AbortController of a listening run
  const button = h("button", { type: "button", class: "listen-button", "aria-pressed": "false" });
  const meter = h("div", { class: "meter-level" });
  const status = h("p", { class: "listen-status", "aria-live": "polite" });
  const result = h("div", { class: "result-area" });
  const heard = h("ol", { class: "heard-list", "aria-label": "Heard so far" });
  const heardBox = h("section", { class: "card heard", hidden: true }, h("h2", {}, "Heard"), heard);

  const length = h(
    "select",
    { id: "clip-length", onchange: () => (settings.seconds = Number(length.value)) },
    LENGTHS.map((s) => h("option", { value: String(s), selected: s === settings.seconds }, `${s} s`)),
  );
  const keep = h("input", {
    type: "checkbox",
    id: "keep-listening",
    checked: settings.keep,
    onchange: () => (settings.keep = keep.checked),
  });

  const show = (phase, text) => {
    main.querySelector(".listen").dataset.phase = phase;
    button.textContent = phase === "recording" ? "Stop" : "Listen";
    button.setAttribute("aria-pressed", String(phase === "recording"));
    status.textContent = text;
  };

  const answered = (response, heardAt) => {
    if (settings.keep) addHeard(heard, heardBox, response, heardAt);
    replace(result, resultView(response));
    reveal(result);
    if (!session || session.signal.aborted || !settings.keep) show("idle", HINT);
  };
  const failed = (error) => {
    replace(result, h("p", { class: "error", role: "alert" }, sentence(error)));
    reveal(result);
    if (!settings.keep) show("idle", HINT);
  };

  const start = async () => {
    session = new AbortController();
    replace(result);
    try {
      await listen({
        transport: clipTransport,
        seconds: () => settings.seconds,
        repeat: () => settings.keep,
        signal: session.signal,
        on: {
          level: (level) => (meter.style.transform = `scaleX(${level})`),
          tick: (left) => show("recording", `Listening… ${Math.ceil(left)}`),
          phase: (phase) =>
            show(phase, phase === "recording" ? `Listening… ${settings.seconds}` : "Identifying…"),
          answer: answered,
          error: failed,
        },
      });
    } catch (error) {
      show("idle", HINT);
      replace(result, h("p", { class: "error", role: "alert", "data-testid": "mic-error" }, sentence(error)));
    } finally {
      meter.style.transform = "scaleX(0)";
      session = null;
    }
  };

  button.addEventListener("click", () => {
    if (session) {
      session.abort();
      show("idle", "Stopped.");
    } else start();
  });

  const identifyFile = async (file) => {
    if (!file) return;
    show("identifying", `Identifying ${file.name}…`);
    replace(result);
    try {
      answered(await search(file, file.name), new Date());
    } catch (error) {
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
      prompt: "Or drop an audio file here (any format)",
      button: "Choose a file",
      accept: "audio/*,video/*,.mp3,.m4a,.aac,.wav,.flac,.ogg,.opus,.webm",
      testId: "clip-file",
      onFiles: (files) => identifyFile(files[0]),
    }),
    result,
    heardBox,
  );
  show("idle", HINT);
  return () => session?.abort();
}

function addHeard(list, box, response, heardAt) {
  const best = response.exact_matches[0];
  const time = heardAt.toLocaleTimeString(undefined, { timeStyle: "medium" });
  list.prepend(
    h(
      "li",
      {},
      h("time", { datetime: heardAt.toISOString() }, time),
      " ",
      best
        ? h("span", {}, h("a", { href: `#/track/${best.track.id}` }, best.track.title), ` — ${byArtist(best.track)}, at ${offset(best.offset_seconds)}`)
        : h("span", { class: "muted" }, "no match"),
    ),
  );
  box.hidden = false;
}

/** Scroll an answer into view when it landed below the fold (a phone's narrow page puts the
 * controls first); a page that already shows it does not move. */
function reveal(element) {
  const top = element.getBoundingClientRect().top;
  if (top >= 0 && top < window.innerHeight * 0.6) return;
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  element.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
}
