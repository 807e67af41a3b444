"""The signing secret a development server keeps in its data root (JWT_SECRET unset).

A secret made afresh by every process signed tokens that the next start refused: the web
app still said "Signed in as admin" while every action failed. Kept in a file readable
by its owner alone, it outlives restarts and is shared by every process on the data root.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

SECRET_FILE = "jwt-secret"


def kept_secret(root: Path) -> str:
    """The secret in `root`, made (mode 0600) on first use; two processes starting at once
    agree on one, since the file appears whole, by a hard link that cannot overwrite."""
    path = root / SECRET_FILE
    if not path.exists():
        root.mkdir(parents=True, exist_ok=True)
        descriptor, draft = tempfile.mkstemp(dir=root, prefix=".jwt-secret-")  # mode 0600
        try:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
            with contextlib.suppress(FileExistsError):  # another process was first: theirs
                os.link(draft, path)
        finally:
            os.unlink(draft)
    return path.read_text().strip()
