// How numbers read on the page.

/**
 * A position in a recording, to the tenth: 83.44 → "1:23.4", past an hour "1:02:03.4";
 * never "-0:00.0". The CLI shows positions the same way (entrypoints/cli/presenters.py).
 */
export function offset(seconds) {
  const tenths = Math.round(seconds * 10);
  const sign = tenths < 0 ? "-" : "";
  const rest = Math.abs(tenths);
  const hours = Math.floor(rest / 36000);
  const minutes = Math.floor(rest / 600) % 60;
  const clock = hours ? `${hours}:${String(minutes).padStart(2, "0")}` : `${minutes}`;
  return `${sign}${clock}:${((rest % 600) / 10).toFixed(1).padStart(4, "0")}`;
}

/** 203.9 → "3:24" (whole seconds), for lengths. */
export function duration(seconds) {
  const whole = Math.max(0, Math.round(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** 83.4 → "1:23", 3725 → "1:02:05": a time in a recording, whole seconds. */
export function clock(seconds) {
  const whole = Math.max(0, Math.round(seconds));
  const [hours, minutes, rest] = [Math.floor(whole / 3600), Math.floor(whole / 60) % 60, whole % 60];
  const ss = String(rest).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${ss}` : `${minutes}:${ss}`;
}

/** A moment as local wall-clock time, with the date when it is not today. */
export function heardAt(moment) {
  const time = moment.toLocaleTimeString(undefined, { timeStyle: "medium" });
  if (moment.toDateString() === new Date().toDateString()) return time;
  return `${moment.toLocaleDateString(undefined, { day: "numeric", month: "short" })} ${time}`;
}

export function bytes(count) {
  const units = ["bytes", "KB", "MB", "GB"];
  let value = count;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${count} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

export function date(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

const INDEXES = {
  fingerprint: "Fingerprint index (exact matches)",
  embedding: "Vector index (sounds alike)",
};

export function indexName(projection) {
  return INDEXES[projection] ?? projection;
}

/** What every client shows for a track whose file named no artist (the API says so too). */
export const MISSING_ARTIST = "Unknown artist";

export function artist(name) {
  return name || MISSING_ARTIST;
}

export function byArtist(track) {
  return [artist(track.artist), track.album].filter(Boolean).join(" — ");
}
