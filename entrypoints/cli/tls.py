"""`serve --ssl-certfile/--ssl-keyfile`: HTTPS, so that phones on the LAN may use the
microphone (browsers allow getUserMedia only on HTTPS pages and on localhost)."""

from __future__ import annotations

from pathlib import Path


class TlsFilesError(ValueError):
    pass


def tls_files(certfile: Path | None, keyfile: Path | None) -> tuple[str | None, str | None]:
    """uvicorn's ssl_certfile and ssl_keyfile: both or neither, each an existing file."""
    if certfile is None and keyfile is None:
        return None, None
    if certfile is None or keyfile is None:
        raise TlsFilesError("--ssl-certfile and --ssl-keyfile go together: give both")
    for name, path in (("certificate", certfile), ("key", keyfile)):
        if not path.is_file():
            raise TlsFilesError(f"the TLS {name} file {path} does not exist")
    return str(certfile), str(keyfile)
