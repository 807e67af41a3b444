// How numbers read on the page.

/** 83.44 → "1:23.4" (tenths), the way a match's offset is shown. */
export function offset(seconds) {
  const tenths = Math.max(0, Math.round(seconds * 10));
  const minutes = Math.floor(tenths / 600);
  const rest = ((tenths % 600) / 10).toFixed(1).padStart(4, "0");
  return `${minutes}:${rest}`;
}

/** 203.9 → "3:24" (whole seconds), for lengths. */
export function duration(seconds) {
  const whole = Math.max(0, Math.round(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
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

export function byArtist(track) {
  return [track.artist, track.album].filter(Boolean).join(" — ") || "Unknown artist";
}
