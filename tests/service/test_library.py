"""The whole path: ingest over HTTP, the projectors index, search finds, tracks, delete."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.http_app import Client, error_of, wait_indexed
from tests.support.media import clip_file, track_file, upload


async def test_ingest_search_browse_and_delete(
    client: Client, admin: dict[str, str], audio_dir: Path
) -> None:
    first = track_file(audio_dir, 1, "Morning Song.mp3")
    second = track_file(audio_dir, 2, "Night Drive.wav")
    garbage = audio_dir / "notes.mp3"
    garbage.write_bytes(b"this is not audio at all" * 100)

    created = await client.post(
        "/api/v1/ingest", files=[upload(first), upload(second)], headers=admin
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert [f["status"] for f in body["files"]] == ["ingested", "ingested"]
    assert body["ingested"] == 2
    first_id, second_id = (f["track_id"] for f in body["files"])

    again = await client.post("/api/v1/ingest", files=[upload(first, "files")], headers=admin)
    assert again.status_code == 200
    assert again.json()["files"][0] == {
        "filename": "Morning Song.mp3",
        "status": "duplicate",
        "track_id": first_id,
        "code": None,
        "reason": None,
    }

    # `files`, the field's earlier name, is still read.
    mixed = await client.post(
        "/api/v1/ingest", files=[upload(second, "files"), upload(garbage, "files")], headers=admin
    )
    assert mixed.status_code == 207
    failed = mixed.json()["files"][1]
    assert failed["status"] == "failed" and failed["code"] == "UNSUPPORTED_FORMAT"
    assert failed["reason"]
    assert (mixed.json()["duplicates"], mixed.json()["failed"]) == (1, 1)
    nothing = await client.post("/api/v1/ingest", data={"note": "x"}, headers=admin)
    assert (nothing.status_code, error_of(nothing)["code"]) == (400, "VALIDATION_ERROR")

    await wait_indexed(client, [first_id, second_id])

    # Titles come from the client's file names (the files carry no tags), never temp names.
    page = (await client.get("/api/v1/tracks", params={"sort": "title"})).json()
    assert [t["title"] for t in page["items"]] == ["Morning Song", "Night Drive"]
    assert page["total"] == 2 and page["page"] == 1
    assert all(t["created_at"] for t in page["items"])
    found = (await client.get("/api/v1/tracks", params={"q": "night"})).json()
    assert [t["id"] for t in found["items"]] == [second_id]
    small = (await client.get("/api/v1/tracks", params={"page_size": 1, "page": 2})).json()
    assert len(small["items"]) == 1 and small["total"] == 2
    # A parameter the listing does not take is refused, not silently ignored.
    limited = await client.get("/api/v1/tracks", params={"limit": 1})
    assert (limited.status_code, error_of(limited)["code"]) == (400, "VALIDATION_ERROR")
    assert error_of(limited)["message"] == (
        "unknown query parameter 'limit': this listing takes page, page_size, q and sort"
    )

    details = (await client.get(f"/api/v1/tracks/{first_id}")).json()
    assert details["projections"] == {"fingerprint": "indexed", "embedding": "indexed"}
    assert details["technical"]["original_filename"] == "Morning Song.mp3"
    assert details["technical"]["format"]

    # An M4A clip with its index at the end: decoded from a temporary file.
    clip = clip_file(audio_dir, 2, 4.0, 6.0, "phone clip.m4a")
    exact = await client.post(
        "/api/v1/search", files=[upload(clip)], data={"mode": "exact", "max_results": "3"}
    )
    assert exact.status_code == 200, exact.text
    result = exact.json()
    assert result["request_id"] == exact.headers["x-request-id"]
    assert result["lanes"]["exact"]["status"] == "ok"
    assert result["lanes"]["vibe"]["status"] == "skipped"
    assert result["vibe_matches"] == []
    best = result["exact_matches"][0]
    assert best["track"]["id"] == second_id
    assert abs(best["offset_seconds"] - 4.0) < 0.5
    assert abs(result["audio_seconds"] - 6.0) < 0.1
    assert best["certainty"] == "certain"
    assert re.fullmatch(r"\d+ landmarks line up over \d\.\d s of the 6\.0 s clip", best["evidence"])
    # The picture of the match: aligned hits on the line track time = offset + clip time.
    assert 4 <= len(best["aligned_points"]) <= 200
    for clip_seconds, track_seconds in best["aligned_points"]:
        assert abs(track_seconds - clip_seconds - best["offset_seconds"]) < 0.05

    # What a browser records: WebM with Opus.
    recording = clip_file(audio_dir, 2, 5.0, 6.0, "recording.webm")
    both = (await client.post("/api/v1/search", files=[upload(recording)])).json()
    assert both["lanes"]["exact"]["status"] == "ok" and both["lanes"]["vibe"]["status"] == "ok"
    assert both["exact_matches"][0]["track"]["id"] == second_id
    assert {m["track"]["id"] for m in both["vibe_matches"]} <= {first_id, second_id}
    assert both["vibe_matches"]
    others = await client.post(
        "/api/v1/search",
        files=[upload(recording)],
        data={"exclude_exact_from_vibe": "true", "max_results": "1"},
    )
    assert others.status_code == 200, others.text
    assert others.json()["exact_matches"][0]["track"]["id"] == second_id
    assert [m["track"]["id"] for m in others.json()["vibe_matches"]] == [first_id]

    text = await client.post("/api/v1/search/text", json={"text": "a calm piano", "max_results": 2})
    assert text.status_code == 200, text.text
    assert len(text.json()["vibe_matches"]) == 2

    deleted = await client.delete(f"/api/v1/tracks/{second_id}", headers=admin)
    assert deleted.status_code == 204
    gone = await client.get(f"/api/v1/tracks/{second_id}")
    assert gone.status_code == 404 and error_of(gone)["code"] == "NOT_FOUND"
    again_deleted = await client.delete(f"/api/v1/tracks/{second_id}", headers=admin)
    assert error_of(again_deleted)["code"] == "NOT_FOUND"
    after = (
        await client.post("/api/v1/search", files=[upload(clip)], data={"mode": "exact"})
    ).json()
    assert second_id not in {m["track"]["id"] for m in after["exact_matches"]}


async def test_audio_streams_whole_or_by_range(
    client: Client, admin: dict[str, str], audio_dir: Path
) -> None:
    path = track_file(audio_dir, 3, "Ranged.mp3")
    data = path.read_bytes()
    created = await client.post("/api/v1/ingest", files=[upload(path, "files")], headers=admin)
    track_id = created.json()["files"][0]["track_id"]
    url = f"/api/v1/tracks/{track_id}/audio"

    whole = await client.get(url)
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"].startswith("audio/mpeg")

    part = await client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == data[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(data)}"
    tail = await client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    open_ended = await client.get(url, headers={"Range": f"bytes={len(data) - 5}-"})
    assert open_ended.content == data[-5:]

    past = await client.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert past.status_code == 416
    assert error_of(past)["code"] == "RANGE_NOT_SATISFIABLE"
    assert past.headers["content-range"] == f"bytes */{len(data)}"
    ignored = await client.get(url, headers={"Range": "bytes=0-1,5-9"})
    assert ignored.status_code == 200 and ignored.content == data

    missing = await client.get("/api/v1/tracks/00000000-0000-0000-0000-000000000000/audio")
    assert missing.status_code == 404


async def test_an_admin_renames_a_track_and_every_answer_shows_the_new_names(
    client: Client, admin: dict[str, str], user: dict[str, str], audio_dir: Path
) -> None:
    path = track_file(audio_dir, 4, "track04.mp3")
    created = await client.post("/api/v1/ingest", files=[upload(path, "files")], headers=admin)
    track_id = created.json()["files"][0]["track_id"]
    await wait_indexed(client, [track_id])
    url = f"/api/v1/tracks/{track_id}"

    renamed = await client.patch(
        url, json={"title": " Harbour Lights ", "artist": "The Pilots"}, headers=admin
    )

    assert renamed.status_code == 200, renamed.text
    body = renamed.json()
    assert (body["title"], body["artist"], body["album"]) == ("Harbour Lights", "The Pilots", None)
    assert body["projections"] == {"fingerprint": "indexed", "embedding": "indexed"}
    listed = (await client.get("/api/v1/tracks", params={"q": "harbour"})).json()["items"]
    assert [(t["id"], t["artist"]) for t in listed] == [(track_id, "The Pilots")]
    clip = clip_file(audio_dir, 4, 3.0, 6.0, "clip.wav")
    found = (await client.post("/api/v1/search", files=[upload(clip)])).json()
    assert found["exact_matches"][0]["track"]["title"] == "Harbour Lights"
    assert {m["track"]["title"] for m in found["vibe_matches"]} == {"Harbour Lights"}
    cleared = (await client.patch(url, json={"artist": None}, headers=admin)).json()
    assert (cleared["title"], cleared["artist"]) == ("Harbour Lights", None)

    refusals = [
        (await client.patch(url, json={"title": "x"}, headers=user), "FORBIDDEN"),
        (await client.patch(url, json={"title": "x"}), "UNAUTHORIZED"),
        (await client.patch(url, json={"title": ""}, headers=admin), "VALIDATION_ERROR"),
        (await client.patch(url, json={"name": "x"}, headers=admin), "VALIDATION_ERROR"),
        (await client.patch(url, json={"title": "x" * 501}, headers=admin), "VALIDATION_ERROR"),
        (
            await client.patch(
                "/api/v1/tracks/00000000-0000-0000-0000-000000000000",
                json={"title": "x"},
                headers=admin,
            ),
            "NOT_FOUND",
        ),
    ]
    assert [error_of(response)["code"] for response, _ in refusals] == [c for _, c in refusals]
    assert (await client.get(url)).json()["title"] == "Harbour Lights"


async def test_the_api_docs_name_a_missing_artist_as_the_clients_show_it(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    artist = schema["components"]["schemas"]["TrackSummary"]["properties"]["artist"]
    assert "shown as “Unknown artist”" in artist["description"]
