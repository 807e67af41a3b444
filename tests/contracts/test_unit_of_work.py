"""Contract of the unit of work and its stores (tracks, event log, checkpoints).

Runs against the in-memory twin and Postgres alike (the `uow_factory` fixture).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from domain.errors import TrackAlreadyExists
from domain.events import INDEXING_EVENTS, TrackDeleted, TrackIngested, TrackRetitled
from domain.exact.fingerprint import Chromaprint
from domain.library.track_query import TrackQuery, TrackSort
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.projections.nodes import ProjectionKey
from tests.support.factories import make_track, random_print


async def test_a_committed_track_can_be_read_back(uow_factory: UnitOfWorkFactory) -> None:
    track = make_track(1)
    async with uow_factory() as uow:
        await uow.tracks.add(track)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.tracks.get(track.id)
        by_sha = await uow.tracks.get_by_sha256(track.sha256)
        many = await uow.tracks.get_many([track.id])
        assert await uow.tracks.count() == 1
    assert stored == track
    assert by_sha == track
    assert many == {track.id: track}


async def test_leaving_without_commit_keeps_nothing(uow_factory: UnitOfWorkFactory) -> None:
    track = make_track(2)
    async with uow_factory() as uow:
        await uow.tracks.add(track)
        await uow.events.append(TrackIngested(track.id, track.storage_key, 1.0))
        await uow.checkpoints.save(ProjectionKey("fingerprint"), 7)
    async with uow_factory() as uow:
        assert await uow.tracks.get(track.id) is None
        assert await uow.events.head() == 0
        assert await uow.checkpoints.get(ProjectionKey("fingerprint")) == 0


async def test_same_content_twice_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    first = make_track(3)
    async with uow_factory() as uow:
        await uow.tracks.add(first)
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(TrackAlreadyExists):
            await uow.tracks.add(make_track(4, sha256=first.sha256))


async def test_near_duplicate_candidates_rank_shared_terms(uow_factory: UnitOfWorkFactory) -> None:
    original = random_print(10, words=600)
    unrelated = [make_track(20 + i) for i in range(3)]
    copy = make_track(11, print_=original)
    async with uow_factory() as uow:
        for track in [*unrelated, copy]:
            await uow.tracks.add(track)
        await uow.commit()
    noisy = original.words.copy()
    noisy[::5] ^= np.uint32(1)  # a few flipped low bits, as a re-encode would give
    async with uow_factory() as uow:
        found = await uow.tracks.near_duplicate_candidates(Chromaprint(noisy), limit=2)
    assert found[0].id == copy.id


async def test_removed_track_is_gone(uow_factory: UnitOfWorkFactory) -> None:
    track = make_track(5)
    async with uow_factory() as uow:
        await uow.tracks.add(track)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.tracks.remove(track.id)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.tracks.get(track.id) is None
        assert await uow.tracks.near_duplicate_candidates(random_print(5), 5) == []


async def test_events_read_back_in_order_after_a_position(uow_factory: UnitOfWorkFactory) -> None:
    tracks = [make_track(30 + i) for i in range(3)]
    async with uow_factory() as uow:
        for track in tracks:
            await uow.events.append(TrackIngested(track.id, track.storage_key, 12.5))
        await uow.events.append(TrackDeleted(tracks[0].id, tracks[0].storage_key))
        await uow.commit()
    async with uow_factory() as uow:
        head = await uow.events.head()
        everything = await uow.events.read_after(0, 100)
        tail = await uow.events.read_after(everything[1].position, 100)
        limited = await uow.events.read_after(0, 2)
    assert head == everything[-1].position
    assert [e.event for e in everything] == [
        *(TrackIngested(t.id, t.storage_key, 12.5) for t in tracks),
        TrackDeleted(tracks[0].id, tracks[0].storage_key),
    ]
    positions = [e.position for e in everything]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)
    assert [e.position for e in tail] == positions[2:]
    assert [e.position for e in limited] == positions[:2]


async def test_checkpoints_move_and_are_listed(uow_factory: UnitOfWorkFactory) -> None:
    fingerprint, embedding = ProjectionKey("fingerprint"), ProjectionKey("embedding")
    async with uow_factory() as uow:
        await uow.checkpoints.save(fingerprint, 3)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.checkpoints.save(fingerprint, 9)
        await uow.checkpoints.save(embedding, 2)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.checkpoints.get(fingerprint) == 9
        assert await uow.checkpoints.get(ProjectionKey("never-ran")) == 0
        listed = await uow.checkpoints.all()
    assert {key: position for key, (position, _) in listed.items()} == {
        fingerprint: 9,
        embedding: 2,
    }


async def test_each_node_keeps_its_own_checkpoint(uow_factory: UnitOfWorkFactory) -> None:
    # A new node's copy starts at 0 however far the others got: it replays the whole log.
    main, b, c = (ProjectionKey("fingerprint", node) for node in ("main", "b", "c"))
    async with uow_factory() as uow:
        await uow.checkpoints.save(main, 40)
        await uow.checkpoints.save(b, 12)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.checkpoints.get(c) == 0
        await uow.checkpoints.save(b, 13)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.checkpoints.get(main), await uow.checkpoints.get(b)) == (40, 13)
        listed = await uow.checkpoints.all()
    assert {key: position for key, (position, _) in listed.items()} == {main: 40, b: 13}


async def test_search_filters_sorts_and_pages(uow_factory: UnitOfWorkFactory) -> None:
    rows = [
        make_track(40, title="Blue Monday", artist="New Order", duration_seconds=300.0),
        make_track(41, title="Monday Morning", artist="Fleetwood Mac", duration_seconds=200.0),
        make_track(42, title="Sunday 100%_", artist="Someone", album="Mondays"),
        make_track(43, title="Tuesday", artist="Other", duration_seconds=100.0),
    ]
    async with uow_factory() as uow:
        for track in rows:
            await uow.tracks.add(track)
        await uow.commit()
    async with uow_factory() as uow:
        monday = await uow.tracks.search(TrackQuery(text="MONDAY", sort=TrackSort.TITLE))
        page = await uow.tracks.search(TrackQuery(page=2, page_size=3, sort=TrackSort.DURATION))
        literal = await uow.tracks.search(TrackQuery(text="100%_"))
        wildcard = await uow.tracks.search(TrackQuery(text="%"))
        longest = await uow.tracks.search(TrackQuery(page_size=1, sort=TrackSort.LONGEST))
    assert [t.title for t in monday.items] == ["Blue Monday", "Monday Morning", "Sunday 100%_"]
    assert monday.total == 3
    assert page.total == 4 and [t.title for t in page.items] == ["Blue Monday"]
    assert [t.title for t in literal.items] == ["Sunday 100%_"]
    assert [t.title for t in wildcard.items] == ["Sunday 100%_"]  # % is literal, not a wildcard
    assert [t.title for t in longest.items] == ["Blue Monday"]


async def test_last_position_of_a_track(uow_factory: UnitOfWorkFactory) -> None:
    track, other = make_track(50), make_track(51)
    async with uow_factory() as uow:
        await uow.events.append(TrackIngested(track.id, track.storage_key, 5.0))
        await uow.events.append(TrackIngested(other.id, other.storage_key, 5.0))
        await uow.events.append(TrackDeleted(track.id, track.storage_key))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.tracks.get(track.id) is None
        assert await uow.events.last_position_of(track.id) == await uow.events.head()
        assert await uow.events.last_position_of(make_track(52).id) is None


async def test_library_keys_and_latest_positions(uow_factory: UnitOfWorkFactory) -> None:
    kept, other = make_track(60), make_track(61)
    async with uow_factory() as uow:
        await uow.tracks.add(kept)
        await uow.events.append(TrackIngested(kept.id, kept.storage_key, 49.5))
        await uow.events.append(TrackIngested(other.id, other.storage_key, 3.0))
        await uow.events.append(TrackDeleted(other.id, other.storage_key))
        await uow.commit()
    async with uow_factory() as uow:
        keys = await uow.tracks.keys()
        latest = await uow.events.latest_positions()
        head = await uow.events.head()
    assert {k: (v.storage_key, v.duration_seconds) for k, v in keys.items()} == {
        kept.id: (kept.storage_key, 49.5)
    }
    assert latest == {kept.id: head - 2, other.id: head}


async def test_an_update_saves_names_and_a_new_print(uow_factory: UnitOfWorkFactory) -> None:
    old_print, new_print = random_print(70, words=600), random_print(71, words=600)
    track = make_track(70, print_=old_print)
    async with uow_factory() as uow:
        await uow.tracks.add(track)
        await uow.commit()
    changed = replace(
        track, title="Renamed", artist=None, chromaprint=new_print.as_ints(), sha256="f" * 64
    )
    async with uow_factory() as uow:
        await uow.tracks.update(changed)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.tracks.get(track.id) == changed
        assert await uow.tracks.get_by_sha256(track.sha256) is None
        # The near-duplicate terms follow the print: the old one finds nothing any more.
        assert await uow.tracks.near_duplicate_candidates(old_print, 5) == []
        assert [t.id for t in await uow.tracks.near_duplicate_candidates(new_print, 5)] == [
            track.id
        ]


async def test_an_update_to_content_another_track_holds_is_refused(
    uow_factory: UnitOfWorkFactory,
) -> None:
    first, second = make_track(72), make_track(73)
    async with uow_factory() as uow:
        await uow.tracks.add(first)
        await uow.tracks.add(second)
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(TrackAlreadyExists):
            await uow.tracks.update(replace(second, sha256=first.sha256))


async def test_an_uncommitted_update_changes_nothing(uow_factory: UnitOfWorkFactory) -> None:
    track = make_track(74)
    async with uow_factory() as uow:
        await uow.tracks.add(track)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.tracks.update(replace(track, title="Never saved"))
    async with uow_factory() as uow:
        assert (await uow.tracks.get(track.id)) == track


async def test_positions_of_the_events_that_change_an_index(
    uow_factory: UnitOfWorkFactory,
) -> None:
    track = make_track(75)
    async with uow_factory() as uow:
        await uow.events.append(TrackIngested(track.id, track.storage_key, 5.0))
        await uow.events.append(TrackRetitled(track.id, "New name", None, None))
        await uow.commit()
    async with uow_factory() as uow:
        head = await uow.events.head()
        assert await uow.events.last_position_of(track.id) == head
        assert await uow.events.last_position_of(track.id, INDEXING_EVENTS) == head - 1
        assert await uow.events.latest_positions(INDEXING_EVENTS) == {track.id: head - 1}
