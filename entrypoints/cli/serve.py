"""`audio-ident serve [--host H] [--port P] [--no-worker] [--ssl-certfile F --ssl-keyfile K]`:
the HTTP API and the web app under uvicorn."""

from __future__ import annotations

import argparse
import signal
import socket
import sys
from pathlib import Path

from application.identify.vibe_model import VibeModel, vibe_state
from entrypoints.cli import data_root_lock
from entrypoints.cli.data_root_lock import DataRootBusy
from entrypoints.cli.listening import Address, PortUnavailable, listening_socket
from entrypoints.cli.tls import TlsFilesError, tls_files
from entrypoints.logging_setup import announce
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
    # Refused before anything starts: a second server on this data root, a port in use.
    try:
        with (
            data_root_lock.serving(settings.audio_storage_root),
            listening_socket(args.host, args.port or settings.service_port) as sock,
        ):
            address = Address(args.host, sock.getsockname()[1], certfile is not None)
            return await _serve(args, settings, sock, address, certfile, keyfile)
    except (DataRootBusy, PortUnavailable) as error:
        print(f"audio-ident: {error}", file=sys.stderr)
        return 1


async def _serve(
    args: argparse.Namespace,
    settings: Settings,
    sock: socket.socket,
    address: Address,
    certfile: str | None,
    keyfile: str | None,
) -> int:
    # Imported here, not at the top: every command's parser imports this module, and the
    # HTTP app (Litestar, its dishka integration) is a quarter second of start-up that
    # `identify` and the other commands never use; uvicorn another 0.06 s.
    import uvicorn

    from entrypoints.cli.announcing_server import AnnouncingServer
    from entrypoints.http.app import create_app
    from entrypoints.http.header_deadline import with_header_deadline
    from entrypoints.http.providers import ServeOptions

    options = ServeOptions(run_projections=not args.no_worker, poll_seconds=args.poll)
    app = create_app(settings, options)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=address.port,
        lifespan="on",
        http=with_header_deadline(settings.header_timeout_seconds),  # slowloris headers
        log_config=None,  # our structlog set-up (every line carries the request id)
        access_log=False,  # RequestIdMiddleware logs each request
        timeout_graceful_shutdown=20,
        server_header=False,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
    )
    root = settings.audio_storage_root
    announce(
        "starting",
        f"serving {root} at {address.url} — starting (database, model, indexes)…",
        url=address.url,
        data_root=str(root),
    )

    async def ready() -> None:
        model = await app.state.dishka_container.get(VibeModel)
        vibe, reason = vibe_state(model)
        said = {"on": "vibe lane on", "off": "vibe lane switched off"}.get(vibe, reason)
        announce(
            "ready",
            f"ready: open {address.url} ({address.hint}{said}); Ctrl-C stops",
            url=address.url,
            vibe=vibe,
            **({"vibe_reason": reason} if reason else {}),
        )

    server = AnnouncingServer(config, ready)
    # SIGINT/SIGTERM: uvicorn stops accepting, finishes requests, then the lifespan stops
    # the projectors and closes the container. uvicorn then raises the signal again for
    # the handler it found; with the default SIGTERM action the process would die there,
    # skipping the exit hooks (the embedded Postgres stops in one). Ours just returns.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        await server.serve(sockets=[sock])  # Ctrl-C: uvicorn raises KeyboardInterrupt after
    finally:
        signal.signal(signal.SIGTERM, previous)
        if server.started:
            announce("stopped", "stopped", url=address.url)
    return 0 if server.started else 1
