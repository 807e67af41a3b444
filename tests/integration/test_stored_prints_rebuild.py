"""A rebuild of the fingerprint index reads the prints stored at ingest, not the audio:
with every stored original gone, `outbox replay --from-scratch` gives the same index and
the same answers; prints that are corrupt fall back to decoding, never to a wrong index."""

from __future__ import annotations

from pathlib import Path

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.lmdb_index.environment import close_environment
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from application.identify.identify_exact import IdentifyExact
from application.library.ingest_file import IngestFile
from domain.audio import FINGERPRINT_RATE
from tests.support.audio_factory import synth_track, write_wav
from tests.support.cli_runner import run_cli
from tests.support.fixtures.integration import stored_blobs

SEEDS = range(3)
Answer = tuple[str, float] | None  # the top match: track and offset


async def _index_state(lmdb: Path) -> tuple[dict[str, int], list[Answer]]:
    """Entries per track, and the top answer (track, offset) for a clip of each track."""
    index = LmdbFingerprintIndex(lmdb, readonly=True)
    try:
        counts = {str(track): n for track, n in (await index.track_counts()).items()}
        identify = IdentifyExact(CffiLandmarkFingerprinter(), index)
        answers: list[Answer] = []
        for seed in SEEDS:
            clip = synth_track(seed, 12.0, FINGERPRINT_RATE).slice_seconds(3.0, 9.0)
            matches = await identify(clip, 1)
            answers.append(
                (str(matches[0].track_id), round(matches[0].offset_seconds, 2)) if matches else None
            )
        return counts, answers
    finally:
        for directory in [lmdb, *lmdb.glob("generation-*")]:
            close_environment(directory)


async def _rebuild(cli_env: dict[str, str]) -> None:
    args = ("outbox", "replay", "--projection", "fingerprint", "--from-scratch", "--yes")
    code, _, err = await run_cli(cli_env, *args)
    assert code == 0, err


async def test_rebuild_reads_stored_prints_and_falls_back_to_decoding(
    ingest: IngestFile, cli_env: dict[str, str], audio_dir: Path, storage_root: Path
) -> None:
    ids = []
    for seed in SEEDS:
        outcome = await ingest(write_wav(audio_dir / f"s{seed}.wav", synth_track(seed, 12.0)))
        ids.append(str(outcome.track_id))
    prints = sorted((storage_root / "blobs" / "prints").glob("*/*"))
    assert len(prints) == len(SEEDS)  # one stored print per track
    code, _, err = await run_cli(cli_env, "outbox", "replay", "--projection", "fingerprint")
    assert code == 0, err
    lmdb = storage_root / "lmdb"
    counts, answers = await _index_state(lmdb)
    assert set(counts) == set(ids) and all(n > 0 for n in counts.values())
    assert [answer[0] if answer else None for answer in answers] == ids

    # A corrupt print: that track is decoded again, and the index is the same.
    corrupt = prints[0]
    corrupt.write_bytes(b"\0" + corrupt.read_bytes()[1:])
    await _rebuild(cli_env)
    assert await _index_state(lmdb) == (counts, answers)

    # Every original gone: the rebuild indexes the tracks from their prints alone; only
    # the track whose print is corrupt (and whose audio is gone) is skipped.
    for blob in stored_blobs(storage_root):
        if blob.parent.parent.name == "blobs":
            blob.unlink()
    assert not any(p.suffix == ".wav" for p in storage_root.rglob("*"))
    await _rebuild(cli_env)
    rebuilt, rebuilt_answers = await _index_state(lmdb)
    skipped = {track for track in ids if track not in rebuilt}
    assert len(skipped) == 1
    assert rebuilt == {track: n for track, n in counts.items() if track not in skipped}
    kept = [a for a in answers if a is not None and a[0] not in skipped]
    assert [a for a in rebuilt_answers if a is not None] == kept
