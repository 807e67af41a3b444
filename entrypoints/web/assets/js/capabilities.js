// What this server can do, learned from /health/ready: a vibe lane switched off on purpose
// (EMBEDDING_MODEL=none) hides what cannot work (the Describe page, "sounds like"). A lane
// that is on but whose model is missing stays visible: its pages say why, and what to do.

import { readiness } from "./api.js";

let vibeOff = false;
let learned = null;

/** True once the server said its vibe lane is switched off. */
export const vibeSwitchedOff = () => vibeOff;

/** Ask the server once (again after `refresh`); resolves when known, never rejects. */
export function learn({ refresh = false } = {}) {
  if (!learned || refresh) {
    learned = readiness()
      .then((ready) => {
        vibeOff = ready?.checks?.clap_model?.status === "disabled";
      })
      .catch(() => {}); // an unreachable server: every page says so on its own
  }
  return learned;
}
