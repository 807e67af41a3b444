"""Entry point of the `audio-ident` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from domain.errors import AudioIdentError, SourceUnreachable
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from entrypoints.allocator import return_large_buffers
from entrypoints.cli import (
    identify,
    ingest,
    monitor,
    outbox,
    search_text,
    serve,
    tracks,
    users,
    worker,
)
from entrypoints.logging_setup import configure_logging
from entrypoints.settings import Settings, SettingsError
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole

INTERNAL_ERROR = 70  # sysexits' EX_SOFTWARE: apart from 1 (a file failed) and 2 (setup)
UNREACHABLE = 69  # sysexits' EX_UNAVAILABLE: monitor's URL cannot be reached at all


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="audio-ident", description="Identify music from short snippets."
    )
    parser.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING, ERROR")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (ingest, identify, monitor, search_text, tracks, worker, outbox, serve, users):
        module.add_parser(commands)
    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(run=_migrate)
    return parser


async def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    async with command_scope(settings, ProcessRole()) as scope:
        await scope.get(UnitOfWorkFactory)  # connecting to the database runs the migrations
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Every command may decode long tracks (serve, worker, ingest of a library, monitor):
    # freed PCM must leave the heap, whatever the command.
    return_large_buffers()
    configure_logging(args.log_level.upper())
    try:
        settings = Settings.from_env()
        return asyncio.run(args.run(args, settings))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly, like any Unix tool
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    # Expected failures carry a message for the user: one line, no traceback.
    except SettingsError as error:  # bad settings, or ffmpeg missing (the wiring's check)
        print(f"audio-ident: {error}", file=sys.stderr)
        return 2
    except SourceUnreachable as error:  # a wrong address or a station down: not a failed file
        print(f"audio-ident: {error.message}", file=sys.stderr)
        return UNREACHABLE
    except AudioIdentError as error:
        print(f"audio-ident: {error.message}", file=sys.stderr)
        return 1
    except Exception as error:  # a bug: its traceback, and an exit code of its own
        logging.getLogger("audio_ident").exception("unexpected failure")
        print(f"audio-ident: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
