"""`audio-ident tracks list|show|edit|delete|export`: the library, as the API's tracks routes."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from uuid import UUID

import msgspec
from rich.markup import escape

from application.library.delete_track import DeleteTrack
from application.library.edit_track import EditTrack
from application.library.export_library import ExportLibrary
from application.library.track_details import GetTrack, ListTracks
from domain.errors import AudioIdentError
from domain.library.track_edit import KEEP, TrackEdit
from domain.library.track_query import MAX_PAGE_SIZE, TrackQuery, TrackSort
from entrypoints.cli.arguments import int_within
from entrypoints.cli.console import console
from entrypoints.cli.presenters import TRACK_COLUMNS, artist, length, track_line, track_row
from entrypoints.http.schemas.tracks import TrackDetail, TrackListItem
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("tracks", help="list, show, rename, delete and export tracks")
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="a page of the library, filtered and sorted")
    listing.add_argument("--query", "-q", help="text in title, artist or album")
    listing.add_argument(
        "--sort", choices=[s.value for s in TrackSort], default=TrackSort.NEWEST.value
    )
    listing.add_argument("--page", type=int_within(1), default=1)
    listing.add_argument(
        "--page-size", type=int_within(1, MAX_PAGE_SIZE), default=20, help=f"1-{MAX_PAGE_SIZE}"
    )
    listing.add_argument("--json", action="store_true", help="the page as the API answers it")
    listing.set_defaults(run=run_list)

    show = actions.add_parser("show", help="one track: names, file, each index's progress")
    show.add_argument("track_id", type=UUID, metavar="TRACK_ID")
    show.add_argument("--json", action="store_true", help="as the API answers it")
    show.set_defaults(run=run_show)

    edit = actions.add_parser("edit", help="rename a track (an empty name clears it)")
    edit.add_argument("track_id", type=UUID, metavar="TRACK_ID")
    edit.add_argument("--title")
    edit.add_argument("--artist", help='"" clears it')
    edit.add_argument("--album", help='"" clears it')
    edit.set_defaults(run=run_edit)

    delete = actions.add_parser("delete", help="remove tracks and their stored files")
    delete.add_argument("track_ids", nargs="+", type=UUID, metavar="TRACK_ID")
    delete.set_defaults(run=run_delete)

    export = actions.add_parser("export", help="the whole library as CSV or JSON on stdout")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.set_defaults(run=run_export)


async def run_list(args: argparse.Namespace, settings: Settings) -> int:
    query = TrackQuery(args.query or None, args.page, args.page_size, TrackSort(args.sort))
    async with command_scope(settings, ProcessRole()) as scope:
        found = await (await scope.get(ListTracks))(query)
    if args.json:
        page = {
            "items": [msgspec.to_builtins(TrackListItem.of(t)) for t in found.items],
            "total": found.total,
            "page": args.page,
            "page_size": args.page_size,
        }
        sys.stdout.write(json.dumps(page) + "\n")
        return 0
    out = console()
    for track in found.items:
        out.print(escape(track_line(track)))
    pages = max(1, -(-found.total // args.page_size))
    noun = "track" if found.total == 1 else "tracks"
    console(stderr=True).print(f"page {args.page} of {pages}, {found.total} {noun}")
    return 0


async def run_show(args: argparse.Namespace, settings: Settings) -> int:
    async with command_scope(settings, ProcessRole()) as scope:
        details = await (await scope.get(GetTrack))(args.track_id)
    if args.json:
        sys.stdout.write(json.dumps(msgspec.to_builtins(TrackDetail.of_details(details))) + "\n")
        return 0
    t = details.track
    rows = {
        "id": str(t.id),
        "title": t.title,
        "artist": artist(t.artist),
        "album": t.album or "",
        "length": length(t.duration_seconds),
        "added": t.created_at.isoformat(timespec="seconds"),
        "file": f"{t.original_filename or ''} ({t.format}, {t.codec or 'codec unknown'}, "
        f"{t.sample_rate} Hz, {t.channels} ch, {_kbits(t.bitrate)}, {t.file_size} bytes)",
        "sha256": t.sha256,
        **{f"index {name}": state.value for name, state in details.projections.items()},
    }
    out = console()
    for key, value in rows.items():
        out.print(f"{key:18} {escape(value)}")
    return 0


def _kbits(bitrate: int | None) -> str:
    return f"{round(bitrate / 1000)} kbit/s" if bitrate else "bitrate unknown"


async def run_edit(args: argparse.Namespace, settings: Settings) -> int:
    edit = TrackEdit(
        KEEP if args.title is None else args.title,
        KEEP if args.artist is None else args.artist,
        KEEP if args.album is None else args.album,
    )
    async with command_scope(settings, ProcessRole()) as scope:
        track = await (await scope.get(EditTrack))(args.track_id, edit)
    console().print(escape(track_line(track)))
    return 0


async def run_delete(args: argparse.Namespace, settings: Settings) -> int:
    failed = 0
    async with command_scope(settings, ProcessRole()) as scope:
        lookup, remove = await scope.get(GetTrack), await scope.get(DeleteTrack)
        for track_id in args.track_ids:
            try:
                track = (await lookup(track_id)).track
                await remove(track_id)
            except AudioIdentError as error:  # the others are still deleted
                console(stderr=True).print(f"audio-ident: {escape(error.message)}")
                failed += 1
                continue
            console().print(f"deleted {escape(track_line(track))}")
    return 1 if failed else 0


async def run_export(args: argparse.Namespace, settings: Settings) -> int:
    async with command_scope(settings, ProcessRole()) as scope:
        tracks = (await scope.get(ExportLibrary))()
        if args.format == "csv":
            writer = csv.DictWriter(sys.stdout, fieldnames=TRACK_COLUMNS)
            writer.writeheader()
            async for track in tracks:
                writer.writerow(track_row(track))
            return 0
        # One array, written as it is read: the whole library is never in memory.
        sys.stdout.write("[")
        separator = "\n"
        async for track in tracks:
            sys.stdout.write(separator + json.dumps(track_row(track)))
            separator = ",\n"
        sys.stdout.write("\n]\n")
    return 0
