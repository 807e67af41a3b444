"""`audio-ident serve [--host H] [--port P] [--no-worker] [--ssl-certfile F --ssl-keyfile K]`:
the HTTP API and the web app under uvicorn."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

import uvicorn

from entrypoints.cli.tls import TlsFilesError, tls_files
from entrypoints.http.app import create_app
from entrypoints.http.header_deadline import with_header_deadline
from entrypoints.http.providers import ServeOptions
from entrypoints.settings import Settings


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "serve",
        help="serve the HTTP API; runs the projectors too unless --no-worker",
        description=(
            "Runs migrations, loads the CLAP model, starts the projectors in this process "
            "and serves the API. With the embedded vector index (no QDRANT_URL) only one "
            "process can hold it: the one running the embedding projector, which must also "
            "be the one serving vibe searches. Use --no-worker only with QDRANT_URL set (or "
            "with EMBEDDING_MODEL=none), and run `audio-ident worker` elsewhere."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="default: SERVICE_PORT")
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="leave the projectors to `audio-ident worker` (see the rule above)",
    )
    parser.add_argument("--poll", type=float, default=5.0, help="projector poll interval, s")
    parser.add_argument("--ssl-certfile", type=Path, help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--ssl-keyfile", type=Path, help="the certificate's private key (PEM)")
    parser.set_defaults(run=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        certfile, keyfile = tls_files(args.ssl_certfile, args.ssl_keyfile)
    except TlsFilesError as error:
        print(f"audio-ident: {error}", file=sys.stderr)
        return 2
    options = ServeOptions(run_projections=not args.no_worker, poll_seconds=args.poll)
    config = uvicorn.Config(
        create_app(settings, options),
        host=args.host,
        port=args.port or settings.service_port,
        lifespan="on",
        http=with_header_deadline(settings.header_timeout_seconds),  # slowloris headers
        log_config=None,  # our structlog set-up (every line carries the request id)
        access_log=False,  # RequestIdMiddleware logs each request
        timeout_graceful_shutdown=20,
        server_header=False,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
    )
    server = uvicorn.Server(config)
    # SIGINT/SIGTERM: uvicorn stops accepting, finishes requests, then the lifespan stops
    # the projectors and closes the container. uvicorn then raises the signal again for
    # the handler it found; with the default SIGTERM action the process would die there,
    # skipping the exit hooks (the embedded Postgres stops in one). Ours just returns.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        await server.serve()
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0 if server.started else 1
