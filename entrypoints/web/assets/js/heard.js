// What keep-listening heard: one row per song and listening run (however often the song
// came back during it), with when it was first and last heard, kept in this browser's
// localStorage so that a reload keeps it until the person clears it.

const KEY = "audio-ident.heard";
const MOST = 500; // rows kept; the oldest go first

function load() {
  try {
    const rows = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    // A page closed while a song played: nothing plays now.
    return Array.isArray(rows) ? rows.map((row) => ({ ...row, now: false, open: false })) : [];
  } catch {
    return [];
  }
}

export class HeardHistory {
  constructor() {
    this.rows = load();
  }

  /** Newest first (by when each song was first heard). */
  list() {
    return [...this.rows].sort((a, b) => b.first - a.first);
  }

  /** `track` was heard from `from` to `to` (epoch ms) in `run`; `open`: a segment of it
   * started and has no settled end yet. */
  heard(run, track, from, to, open) {
    let row = this.find(run, track.id);
    if (!row) {
      const { id, title, artist, album } = track;
      row = { run, track: { id, title, artist, album }, first: from, last: to, now: false };
      this.rows.push(row);
    }
    row.first = Math.min(row.first, from);
    row.last = Math.max(row.last, to);
    row.open = open;
    this.save();
  }

  /** When the row's song was last heard: its settled end, or while a segment of it has
   * none yet, the newest audio analysed while it played. */
  static lastHeard(row) {
    return row.open ? Math.max(row.last, row.until ?? 0) : row.last;
  }

  /** What plays now in `run` (a track id, or null), heard until at least `at` (epoch ms):
   * its row shows "now" until a settled segment says where it ended. */
  playing(run, trackId, at) {
    for (const row of this.rows) {
      if (row.run !== run) continue;
      row.now = row.track.id === trackId;
      if (row.now) row.until = Math.max(row.until ?? 0, at);
    }
    this.save();
  }

  /** The run is over; a song still playing (no settled end came) was heard until the last
   * audio analysed. */
  ended(run) {
    for (const row of this.rows) {
      if (row.run !== run) continue;
      row.last = HeardHistory.lastHeard(row);
      row.now = row.open = false;
    }
    this.save();
  }

  find(run, trackId) {
    return this.rows.find((r) => r.run === run && r.track.id === trackId);
  }

  clear() {
    this.rows = [];
    this.save();
  }

  save() {
    this.rows = this.list().slice(0, MOST);
    try {
      localStorage.setItem(KEY, JSON.stringify(this.rows));
    } catch {
      // Storage full or switched off: the list lives as long as the page.
    }
  }
}
