"""Every failure, from a bad upload to a bug, answered as `{"error": {...}}` with a stable code."""

from __future__ import annotations

import errno
from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from domain.errors import AudioIdentError, ErrorCode, Overloaded, RetryLater
from entrypoints.http.schemas.errors import ErrorBody, ErrorDetail

log = structlog.get_logger(__name__)
STORAGE_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


class SearchTimeout(AudioIdentError):
    """The whole search (decode, lanes, join) missed the overall deadline."""

    code = ErrorCode.SEARCH_TIMEOUT


# Litestar's own exceptions (routing, body parsing, limits) carry only a status; several
# codes share some statuses (503, 429), so this names the one Litestar's refusal means.
_CODE_OF_STATUS = {
    code.status: code
    for code in (
        ErrorCode.VALIDATION_ERROR,
        ErrorCode.UNAUTHORIZED,
        ErrorCode.FORBIDDEN,
        ErrorCode.NOT_FOUND,
        ErrorCode.METHOD_NOT_ALLOWED,
        ErrorCode.REQUEST_TIMEOUT,
        ErrorCode.FILE_TOO_LARGE,
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        ErrorCode.RANGE_NOT_SATISFIABLE,
        ErrorCode.TOO_MANY_REQUESTS,
        ErrorCode.SERVICE_UNAVAILABLE,
    )
}


def error_response(
    code: ErrorCode,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[ErrorBody]:
    """The envelope for `code`, with the HTTP status the catalogue gives it."""
    return _envelope(code.status, code, message, details, headers)


def _envelope(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[ErrorBody]:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, details=details or {}))
    return Response(body, status_code=status, headers=headers)


def on_domain_error(request: Request[Any, Any, Any], error: AudioIdentError) -> Response[ErrorBody]:
    headers = {"WWW-Authenticate": "Bearer"} if error.code.status == 401 else {}
    if isinstance(error, RetryLater):
        headers["Retry-After"] = str(error.retry_after_seconds)
    if isinstance(error, Overloaded):
        # The body may be unread (Expect: 100-continue, or past the discard bound), and a
        # client that waits seconds should not find the kept-alive connection closing.
        headers["Connection"] = "close"
    return error_response(error.code, error.message, error.details, headers or None)


def on_http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[ErrorBody]:
    status = error.status_code
    # A status outside the catalogue still gets a stable code, made from the status.
    code: str = _CODE_OF_STATUS.get(status, f"HTTP_{status}")
    details: dict[str, Any] = {}
    if isinstance(error, ValidationException) and error.extra:
        details["errors"] = error.extra
    if status == 405:
        details["method"] = request.method
    if status == 413:
        details["limit_bytes"] = body_limit(request)
    message = error.detail or code.replace("_", " ").lower()
    if status == 413:
        message = f"the upload is larger than the limit of {details['limit_bytes']} bytes"
    if status >= 500:
        log.error("http error", status=status, detail=error.detail)
    return _envelope(status, code, message, details, _headers(error))


def on_os_error(request: Request[Any, Any, Any], error: OSError) -> Response[ErrorBody]:
    """A full disk while spooling an upload (Litestar's own spool file included)."""
    if error.errno in STORAGE_FULL_ERRNOS:
        log.error("no space left", path=request.url.path, error=str(error))
        return error_response(ErrorCode.STORAGE_FULL, "no disk space left to receive the upload")
    return on_unexpected(request, error)


def on_undecodable(
    request: Request[Any, Any, Any], error: UnicodeDecodeError
) -> Response[ErrorBody]:
    """Litestar decodes form fields (a part without a file name) as UTF-8 and lets the
    error escape: binary bytes there are the client's mistake, not ours."""
    log.warning("undecodable request text", path=request.url.path, error=str(error))
    return error_response(
        ErrorCode.VALIDATION_ERROR, "a text field of the request is not valid UTF-8"
    )


def on_unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[ErrorBody]:
    # The traceback goes to the log (with the request id); the client gets no internals.
    log.exception("unhandled error", path=request.url.path, method=request.method)
    return error_response(
        ErrorCode.INTERNAL_ERROR,
        "something went wrong on our side; the request id identifies it in our logs",
    )


def body_limit(request: Request[Any, Any, Any]) -> int | None:
    try:
        return request.route_handler.resolve_request_max_body_size()
    except Exception:  # no route matched: no limit to name
        return None


def _headers(error: HTTPException) -> dict[str, str] | None:
    allowed = {"allow", "www-authenticate", "content-range", "retry-after"}
    kept = {k: v for k, v in (error.headers or {}).items() if k.lower() in allowed}
    return kept or None


EXCEPTION_HANDLERS: dict[Any, Any] = {
    AudioIdentError: on_domain_error,
    HTTPException: on_http_error,
    OSError: on_os_error,
    UnicodeDecodeError: on_undecodable,
    Exception: on_unexpected,
}
