"""Mixes for the timeline benchmark: corpus excerpts joined by crossfades, with their truth.

A mix is `excerpts` library excerpts of 30-120 s with excerpts of the corpus's negatives
between some of them, joined by equal-power crossfades; the whole mix then gets pink noise
at the given SNR and is encoded as MP3 at 64 kbit/s. How the excerpts are played is the
recipe's:

- `classic`: 30 % of them 2-5 % faster or slower (tempo and pitch, resampled), crossfades
  of 2-8 s;
- `offspeed`: half of them off-speed by up to 3 % either way (resampled), 4 s crossfades;
- `dj`: as a DJ plays them, each one of: tempo 0.92-1.08 with the pitch kept (key lock),
  pitch +-1 semitone at the same tempo, off-speed +-3 %, or unchanged; 4 s crossfades.
  Tempo and pitch go through ffmpeg's rubberband filter.

`truth.json` beside it says, per excerpt, where it sits in the mix (fades included), which
file it came from, where in that file it starts, its speed (source seconds per mix second)
and its pitch shift in semitones.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import wave
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy.signal import lfilter, resample_poly

RATE = 44_100
# Paul Kellet's economy pinking filter (a 3-pole approximation of 1/f), as IIR coefficients.
_PINK_B = [0.049922035, -0.095993537, 0.050612699, -0.004408786]
_PINK_A = [1.0, -2.494956002, 2.017265875, -0.522189400]


@dataclass(frozen=True, slots=True)
class Excerpt:
    """One piece of the mix; `speed` is source seconds per mix second."""

    kind: str  # "track" (in the library) or "negative"
    name: str  # relative to tracks/ or negatives/
    start_seconds: float  # in the mix, start of the fade-in
    end_seconds: float  # in the mix, end of the fade-out
    offset_seconds: float  # position in the source at start_seconds
    speed: float
    fade_in: float
    fade_out: float
    semitones: float = 0.0
    treatment: str = "unchanged"


def duration_of(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out.strip() or 0)


RECIPES = ("classic", "offspeed", "dj")


def plan(
    corpus: Path, seed: int, excerpts: int, recipe: str = "classic"
) -> list[dict[str, object]]:
    """Which sources, where in them, how played, and the fades (no audio touched yet)."""
    if recipe not in RECIPES:
        raise ValueError(f"recipe is one of {RECIPES}")
    rng = np.random.default_rng(seed)
    tracks = sorted(p for p in (corpus / "tracks").rglob("*") if p.is_file())
    negatives = [
        p for p in sorted((corpus / "negatives").rglob("*")) if p.is_file() and duration_of(p) > 40
    ]
    chosen = rng.choice(len(tracks), size=excerpts, replace=False)
    pieces: list[dict[str, object]] = []
    for number, index in enumerate(chosen):
        path = tracks[int(index)]
        seconds = rng.uniform(30, 120)
        pieces.append(_piece(rng, corpus / "tracks", path, seconds, "track", recipe))
        if number < excerpts - 1 and rng.random() < 0.3:
            negative = negatives[int(rng.integers(len(negatives)))]
            seconds = rng.uniform(15, 40)
            pieces.append(_piece(rng, corpus / "negatives", negative, seconds, "negative", recipe))
    for piece in pieces:
        # The crossfade into the next piece.
        piece["fade"] = float(rng.uniform(2, 8)) if recipe == "classic" else 4.0
    pieces[-1]["fade"] = 2.0
    return pieces


def _treatment(rng: np.random.Generator, recipe: str) -> tuple[str, float, float]:
    """(treatment, speed, semitones) of one library excerpt under the recipe."""
    sign = float(rng.choice([-1, 1]))
    if recipe == "classic":
        if rng.random() < 0.3:
            return "offspeed", round(sign * rng.uniform(0.02, 0.05) + 1.0, 4), 0.0
        return "unchanged", 1.0, 0.0
    if recipe == "offspeed":
        if rng.random() < 0.5:
            return "offspeed", round(sign * rng.uniform(0.01, 0.03) + 1.0, 4), 0.0
        return "unchanged", 1.0, 0.0
    kind = str(rng.choice(["tempo", "pitch", "offspeed", "unchanged"], p=[0.4, 0.2, 0.2, 0.2]))
    if kind == "tempo":
        return kind, round(sign * rng.uniform(0.02, 0.08) + 1.0, 4), 0.0
    if kind == "pitch":
        return kind, 1.0, sign
    if kind == "offspeed":
        return kind, round(sign * rng.uniform(0.01, 0.03) + 1.0, 4), 0.0
    return kind, 1.0, 0.0


def _piece(
    rng: np.random.Generator, root: Path, path: Path, seconds: float, kind: str, recipe: str
) -> dict[str, object]:
    treatment, speed, semitones = "unchanged", 1.0, 0.0
    if kind == "track":
        treatment, speed, semitones = _treatment(rng, recipe)
    length = duration_of(path)
    source_seconds = min(seconds * speed, length - 1.0)
    start = float(rng.uniform(0.5, max(0.5, length - source_seconds - 0.5)))
    return {
        "kind": kind,
        "name": path.relative_to(root).as_posix(),
        "path": str(path),
        "source_start": start,
        "source_seconds": source_seconds,
        "speed": round(speed, 4),
        "semitones": semitones,
        "treatment": treatment,
    }


def _source(piece: dict[str, object]) -> np.ndarray:
    """The piece's audio at RATE, mono, played as its treatment says."""
    start, seconds = f"{piece['source_start']:.4f}", f"{piece['source_seconds']:.4f}"
    treatment = str(piece.get("treatment", "offspeed"))
    speed = float(piece["speed"])  # type: ignore[arg-type]
    semitones = float(piece.get("semitones", 0.0))  # type: ignore[arg-type]
    filters: list[str] = []
    if treatment == "tempo":  # key lock: the tempo changes, the pitch stays
        filters = ["-af", f"rubberband=tempo={speed}:pitchq=quality"]
    elif treatment == "pitch":
        filters = ["-af", f"rubberband=pitch={2 ** (semitones / 12):.6f}:pitchq=quality"]
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", start, "-t", seconds, "-i", str(piece["path"]),
         *filters, "-ac", "1", "-ar", str(RATE), "-f", "f32le", "-"],
        capture_output=True,
        check=True,
    ).stdout  # fmt: skip
    audio = np.frombuffer(raw, np.float32).astype(np.float64)
    if treatment == "offspeed" and speed != 1.0:
        ratio = Fraction(1 / speed).limit_denominator(1000)
        audio = resample_poly(audio, ratio.numerator, ratio.denominator)
    return audio


def render(pieces: list[dict[str, object]]) -> tuple[np.ndarray, list[Excerpt]]:
    """The clean mix and the truth: each piece fades in over the previous piece's fade."""
    sources = [_source(p) for p in pieces]
    starts: list[int] = []
    position = 0
    for number, audio in enumerate(sources):
        fade_in = 0 if number == 0 else int(float(pieces[number - 1]["fade"]) * RATE)  # type: ignore[arg-type]
        position = max(0, position - fade_in)
        starts.append(position)
        position += len(audio)
    mix = np.zeros(position, np.float64)
    truth: list[Excerpt] = []
    for number, (piece, audio, start) in enumerate(zip(pieces, sources, starts, strict=True)):
        fade_in = 0.0 if number == 0 else float(pieces[number - 1]["fade"])  # type: ignore[arg-type]
        fade_out = float(piece["fade"])  # type: ignore[arg-type]
        gain = np.ones(len(audio))
        fin, fout = int(fade_in * RATE), int(fade_out * RATE)
        if fin:
            gain[:fin] = np.sin(np.linspace(0, np.pi / 2, fin))  # equal-power crossfade
        if fout:
            gain[-fout:] = np.cos(np.linspace(0, np.pi / 2, fout))
        mix[start : start + len(audio)] += audio * gain
        truth.append(
            Excerpt(
                kind=str(piece["kind"]),
                name=str(piece["name"]),
                start_seconds=round(start / RATE, 4),
                end_seconds=round((start + len(audio)) / RATE, 4),
                offset_seconds=round(float(piece["source_start"]), 4),  # type: ignore[arg-type]
                speed=float(piece["speed"]),  # type: ignore[arg-type]
                fade_in=round(fade_in, 3),
                fade_out=round(fade_out, 3),
                semitones=float(piece.get("semitones", 0.0)),  # type: ignore[arg-type]
                treatment=str(piece.get("treatment", "unchanged")),
            )
        )
    return mix, truth


def with_noise(mix: np.ndarray, snr_db: float, seed: int) -> np.ndarray:
    """Pink noise at `snr_db` below the mix's power (measured where the mix is not silent)."""
    rng = np.random.default_rng(seed + 1)
    noise = lfilter(_PINK_B, _PINK_A, rng.normal(0, 1, len(mix)))
    loud = mix[np.abs(mix) > 1e-4]
    signal_power = float(np.mean(loud**2)) if len(loud) else 1e-6
    noise *= np.sqrt(signal_power / 10 ** (snr_db / 10) / np.mean(noise**2))
    return mix + noise


def build(
    corpus: Path, folder: Path, seed: int, excerpts: int, snr_db: float, recipe: str = "classic"
) -> Path:
    """Writes folder/mix.mp3 and folder/truth.json (skipped when both exist); returns the mix."""
    target, truth_file = folder / "mix.mp3", folder / "truth.json"
    if target.exists() and truth_file.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    mix, truth = render(plan(corpus, seed, excerpts, recipe))
    noisy = with_noise(mix, snr_db, seed)
    noisy *= 0.9 / max(1e-9, float(np.max(np.abs(noisy))))
    with tempfile.TemporaryDirectory(prefix="timeline-mix-") as scratch:
        wav = Path(scratch) / "mix.wav"
        with wave.open(str(wav), "wb") as handle:
            handle.setnchannels(1)
            handle.setsampwidth(2)
            handle.setframerate(RATE)
            handle.writeframes((noisy * 32767).astype("<i2").tobytes())
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", wav, "-c:a", "libmp3lame", "-b:a", "64k", target],
            check=True,
        )
    description = {
        "seed": seed,
        "recipe": recipe,
        "snr_db": snr_db,
        "codec": "mp3 64k",
        "seconds": round(len(mix) / RATE, 3),
        "excerpts": [asdict(e) for e in truth],
    }
    truth_file.write_text(json.dumps(description, indent=1))
    return target
