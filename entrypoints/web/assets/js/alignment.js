// The picture of an exact match: where the clip sits in the track (top strip), and the clip's
// landmarks that line up with it (below): each dot is a hash found at the same offset in
// both, so a true match draws a straight diagonal.

import { h } from "./dom.js";
import { offset as clock } from "./format.js";

const HEIGHT = 190;
const STRIP = 34;
const PAD = { left: 44, right: 12, top: 62, bottom: 26 };

export function alignmentPicture(match, clipSeconds) {
  const end = match.offset_seconds + clipSeconds;
  const count = match.aligned_points.length;
  const caption =
    `${match.aligned_hashes} landmarks of the clip line up with ` +
    `${clock(match.offset_seconds)}–${clock(Math.min(end, match.track.duration_seconds))} of the track` +
    (count < match.aligned_hashes ? ` (${count} drawn)` : "");
  const canvas = h("canvas", { height: HEIGHT, role: "img", "aria-label": caption });
  const observer = new ResizeObserver(() => draw(canvas, match, clipSeconds));
  observer.observe(canvas);
  return h("figure", { class: "alignment" }, canvas, h("figcaption", {}, caption));
}

function colours(canvas) {
  const style = getComputedStyle(canvas);
  const get = (name) => style.getPropertyValue(name).trim();
  return { ink: get("--ink"), faint: get("--line"), accent: get("--accent"), muted: get("--muted") };
}

function draw(canvas, match, clipSeconds) {
  const width = canvas.clientWidth;
  if (!width) return;
  const scale = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(HEIGHT * scale);
  const g = canvas.getContext("2d");
  g.setTransform(scale, 0, 0, scale, 0, 0);
  g.clearRect(0, 0, width, HEIGHT);
  const c = colours(canvas);
  g.font = "11px system-ui, sans-serif";
  strip(g, c, width, match, clipSeconds);
  dots(g, c, width, match, clipSeconds);
}

function strip(g, c, width, match, clipSeconds) {
  const total = Math.max(match.track.duration_seconds, 0.1);
  const x = (t) => PAD.left + (t / total) * (width - PAD.left - PAD.right);
  g.fillStyle = c.faint;
  g.fillRect(PAD.left, 14, width - PAD.left - PAD.right, 8);
  g.fillStyle = c.accent;
  const start = x(match.offset_seconds);
  g.fillRect(start, 10, Math.max(3, x(match.offset_seconds + clipSeconds) - start), 16);
  g.fillStyle = c.muted;
  g.textAlign = "right";
  g.fillText("track", PAD.left - 6, 22);
  g.textAlign = "left";
  g.fillText("0:00", PAD.left, STRIP + 6);
  g.textAlign = "right";
  g.fillText(clock(total).replace(/\.\d$/, ""), width - PAD.right, STRIP + 6);
}

function dots(g, c, width, match, clipSeconds) {
  const left = PAD.left;
  const right = width - PAD.right;
  const top = PAD.top;
  const bottom = HEIGHT - PAD.bottom;
  const from = match.offset_seconds;
  const x = (t) => left + ((t - from) / clipSeconds) * (right - left);
  const y = (q) => bottom - (q / clipSeconds) * (bottom - top);
  g.strokeStyle = c.faint;
  g.lineWidth = 1;
  g.strokeRect(left, top, right - left, bottom - top);
  g.setLineDash([4, 4]);
  g.beginPath();
  g.moveTo(x(from), y(0));
  g.lineTo(x(from + clipSeconds), y(clipSeconds));
  g.stroke();
  g.setLineDash([]);
  g.fillStyle = c.accent;
  for (const [query, reference] of match.aligned_points) {
    g.beginPath();
    g.arc(x(reference), y(query), 2.5, 0, 2 * Math.PI);
    g.fill();
  }
  g.fillStyle = c.muted;
  g.textAlign = "left";
  g.fillText(clock(from), left, bottom + 16);
  g.textAlign = "right";
  g.fillText(clock(from + clipSeconds), right, bottom + 16);
  g.textAlign = "center";
  g.fillText("time in the track →", (left + right) / 2, bottom + 16);
  g.save();
  g.translate(left - 10, (top + bottom) / 2);
  g.rotate(-Math.PI / 2);
  g.fillText("in the clip →", 0, 0);
  g.restore();
}
