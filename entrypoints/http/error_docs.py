"""The error responses each route documents, all in the `{"error": {...}}` envelope.

Litestar documents 400 with its own error shape by default; naming 400 here replaces that
with ours, so the schema tells clients (and schemathesis) what they really get.
"""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec

from entrypoints.http.schemas.errors import ErrorBody

_MEANING = {
    400: "VALIDATION_ERROR: the request does not match the schema",
    401: "UNAUTHORIZED: no valid bearer token (or a wrong password)",
    403: "FORBIDDEN: the token's role may not do this",
    404: "NOT_FOUND",
    408: "REQUEST_TIMEOUT: the body did not arrive within UPLOAD_TIMEOUT_SECONDS",
    413: "FILE_TOO_LARGE: the upload passed the limit while streaming",
    416: "RANGE_NOT_SATISFIABLE",
    429: "TOO_MANY_ATTEMPTS: too many failed sign-ins for the account or address (Retry-After)",
    422: "EMPTY_FILE, UNSUPPORTED_FORMAT, CORRUPT_AUDIO, AUDIO_TOO_SHORT or AUDIO_TOO_LONG",
    503: "OVERLOADED (with Retry-After), LANE_UNAVAILABLE, DATABASE_UNAVAILABLE",
    507: "STORAGE_FULL: no disk space left for the upload or the stored original",
    504: "SEARCH_TIMEOUT: the overall search deadline passed",
}


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """ResponseSpecs for 400 and `statuses`; 401 always comes with 403 (token given)."""
    wanted = {400, *statuses}
    return {
        status: ResponseSpec(ErrorBody, description=_MEANING[status], generate_examples=False)
        for status in sorted(wanted)
    }
