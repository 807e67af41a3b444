// One player for the whole app: plays a library track from a given second (the API serves
// the original with Range requests, so the browser fetches only what it plays from there).

import { audioUrl } from "./api.js";
import { token } from "./auth.js";
import { toast } from "./toast.js";

const bar = () => document.getElementById("player");
const audio = () => bar().querySelector("audio");

export function setUpPlayer() {
  bar()
    .querySelector("[data-player-close]")
    .addEventListener("click", () => {
      audio().pause();
      bar().hidden = true;
    });
}

/** Never rejects: a track that cannot be played is said in a toast. */
export async function play(track, fromSeconds = 0) {
  const element = audio();
  bar().querySelector("[data-player-title]").textContent = track.title;
  bar().hidden = false;
  try {
    if (element.dataset.trackId !== track.id) {
      element.dataset.trackId = track.id;
      await load(element, audioUrl(track.id));
    }
    const end = Number.isFinite(element.duration) ? element.duration - 0.1 : fromSeconds;
    element.currentTime = Math.max(0, Math.min(fromSeconds, end));
    await element.play();
  } catch (error) {
    delete element.dataset.trackId;
    if (error?.name !== "AbortError") {
      toast("The track's audio could not be played. Try again, or open it from the library.", {
        error: true,
      });
    }
  }
}

async function load(element, url) {
  try {
    await loaded(element, url);
  } catch (error) {
    // A server that wants a token for reads refuses the plain URL (an <audio> element sends
    // no Authorization header): fetch it with the token and play it from memory instead.
    if (!token()) throw error;
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token()}` } });
    if (!response.ok) throw error;
    await loaded(element, URL.createObjectURL(await response.blob()));
  }
}

function loaded(element, url) {
  return new Promise((resolve, reject) => {
    const settle = (then) => () => {
      element.removeEventListener("loadedmetadata", ok);
      element.removeEventListener("error", failed);
      then();
    };
    const ok = settle(resolve);
    const failed = settle(() => reject(element.error ?? new Error("unplayable")));
    element.addEventListener("loadedmetadata", ok);
    element.addEventListener("error", failed);
    element.src = url;
  });
}
