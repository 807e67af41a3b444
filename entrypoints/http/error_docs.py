"""The error responses each route documents, all in the `{"error": {...}}` envelope.

Litestar documents 400 with its own error shape by default; naming 400 here replaces that
with ours, so the schema tells clients (and schemathesis) what they really get. Each
status is described by the catalogue's codes that answer with it (`domain.errors`).
"""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec

from domain.errors import ErrorCode
from entrypoints.http.schemas.errors import ErrorBody


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """ResponseSpecs for 400 and `statuses`, each listing the codes that come with it."""
    wanted = {400, *statuses}
    return {
        status: ResponseSpec(ErrorBody, description=describe(status), generate_examples=False)
        for status in sorted(wanted)
    }


def describe(status: int) -> str:
    """One line per code answered with `status`: `- CODE: meaning` (Markdown list)."""
    codes = [code for code in ErrorCode if code.status == status]
    if not codes:
        raise ValueError(f"no error code in the catalogue is answered with {status}")
    return "\n".join(f"- {code}: {code.meaning}" for code in codes)
