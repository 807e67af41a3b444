// How long a picked file plays, read by the browser itself before anything is sent: a media
// element loads the file's header from a blob: URL. null when the browser cannot say (a
// format it does not play, a recording whose header has no length).

const WAIT_MS = 4000;

export function playingSeconds(file) {
  return new Promise((resolve) => {
    const probe = document.createElement("audio");
    const url = URL.createObjectURL(file);
    let finished = false;
    const done = (seconds) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      probe.removeAttribute("src");
      URL.revokeObjectURL(url);
      resolve(seconds);
    };
    const timer = setTimeout(() => done(null), WAIT_MS);
    probe.preload = "metadata";
    probe.addEventListener("loadedmetadata", () => done(Number.isFinite(probe.duration) ? probe.duration : null));
    probe.addEventListener("error", () => done(null));
    probe.src = url;
  });
}
