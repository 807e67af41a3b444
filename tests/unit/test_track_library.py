"""DeleteTrack, ListTracks and GetTrack on in-memory adapters."""

from __future__ import annotations

import uuid

import pytest

from application.library.delete_track import DeleteTrack
from application.library.edit_track import EditTrack
from application.library.track_details import GetTrack, IndexState, ListTracks
from domain.errors import TrackNotFound
from domain.events import TrackDeleted, TrackRetitled
from domain.library.track_edit import InvalidTrackEdit, TrackEdit
from domain.library.track_query import TrackQuery
from domain.projections.nodes import NodeProjections, ProjectionKey
from tests.support.audio_factory import synth_track
from tests.support.fixtures.memory_app import MemoryApp


async def _ingest(app: MemoryApp, seed: int) -> uuid.UUID:
    outcome = await app.ingest(app.add_file(f"s{seed}.wav", synth_track(seed, 10.0)))
    assert outcome.track_id is not None
    return outcome.track_id


async def test_delete_removes_row_and_file_and_records_the_event(app: MemoryApp) -> None:
    kept, gone = await _ingest(app, 1), await _ingest(app, 2)
    gone_key = app.db.tracks[gone].storage_key
    await DeleteTrack(app.uow, app.storage)(gone)
    assert set(app.db.tracks) == {kept}
    assert gone_key not in app.storage.blobs
    assert app.db.events[-1].event == TrackDeleted(gone, gone_key)
    with pytest.raises(TrackNotFound):
        await DeleteTrack(app.uow, app.storage)(gone)
    assert len(app.db.events) == 3


async def test_a_deleted_recording_can_be_ingested_again(app: MemoryApp) -> None:
    path = app.add_file("again.wav", synth_track(3, 10.0))
    first = (await app.ingest(path)).track_id
    assert first is not None
    await DeleteTrack(app.uow, app.storage)(first)
    second = await app.ingest(path)
    assert second.track_id not in (None, first)
    assert app.db.tracks[second.track_id].storage_key in app.storage.blobs  # type: ignore[index]


async def test_track_details_say_which_projections_caught_up(app: MemoryApp) -> None:
    track_id = await _ingest(app, 4)
    async with app.uow() as uow:
        await uow.checkpoints.save(ProjectionKey("fingerprint"), 1)
        await uow.commit()
    details = await GetTrack(app.uow, ["fingerprint", "embedding"], NodeProjections())(track_id)
    assert details.track.id == track_id
    assert details.projections == {
        "fingerprint": IndexState.INDEXED,
        "embedding": IndexState.PENDING,
    }
    with pytest.raises(TrackNotFound):
        await GetTrack(app.uow, ["fingerprint"], NodeProjections())(uuid.uuid4())


async def test_list_tracks_pages_the_library(app: MemoryApp) -> None:
    for seed in range(5, 8):
        await _ingest(app, seed)
    page = await ListTracks(app.uow)(TrackQuery(page=1, page_size=2))
    assert page.total == 3
    assert len(page.items) == 2


async def test_an_edit_renames_the_track_and_records_the_event(app: MemoryApp) -> None:
    track_id = await _ingest(app, 5)
    before = app.db.tracks[track_id]
    edit = EditTrack(app.uow, app.clock)

    renamed = await edit(track_id, TrackEdit(title="  Night Drive ", artist="The Band"))

    assert (renamed.title, renamed.artist, renamed.album) == ("Night Drive", "The Band", None)
    assert app.db.tracks[track_id] == renamed
    assert renamed.sha256 == before.sha256 and renamed.created_at == before.created_at
    assert app.db.events[-1].event == TrackRetitled(track_id, "Night Drive", "The Band", None)
    page = await ListTracks(app.uow)(TrackQuery(text="night drive"))
    assert [t.id for t in page.items] == [track_id]
    # The artist cleared, the title kept; an edit that changes nothing records nothing.
    cleared = await edit(track_id, TrackEdit(artist=""))
    assert (cleared.title, cleared.artist) == ("Night Drive", None)
    events = len(app.db.events)
    await edit(track_id, TrackEdit(title="Night Drive"))
    assert len(app.db.events) == events


async def test_an_edit_needs_a_title_and_a_track(app: MemoryApp) -> None:
    track_id = await _ingest(app, 6)
    edit = EditTrack(app.uow, app.clock)
    with pytest.raises(InvalidTrackEdit):
        await edit(track_id, TrackEdit(title="   "))
    with pytest.raises(InvalidTrackEdit):
        await edit(track_id, TrackEdit(artist="x" * 501))
    with pytest.raises(TrackNotFound):
        await edit(uuid.uuid4(), TrackEdit(title="Anything"))
    assert len(app.db.events) == 1


async def test_a_rename_leaves_the_indexes_caught_up(app: MemoryApp) -> None:
    track_id = await _ingest(app, 7)
    async with app.uow() as uow:
        await uow.checkpoints.save(ProjectionKey("fingerprint"), 1)
        await uow.commit()
    await EditTrack(app.uow, app.clock)(track_id, TrackEdit(title="Renamed"))
    details = await GetTrack(app.uow, ["fingerprint"], NodeProjections())(track_id)
    assert details.projections == {"fingerprint": IndexState.INDEXED}  # names: not indexed
