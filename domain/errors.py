"""The one catalogue of error codes, and the errors that carry them with a message for people.

Every code the service can answer is an `ErrorCode` member holding its HTTP status and a
one-line meaning: the HTTP layer takes its statuses and its OpenAPI descriptions from here,
and the web app's sentences are checked against it. The status is a plain int, so the
domain stays free of any web framework.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self


class ErrorCode(StrEnum):
    """A stable, machine-readable code: the value clients match on, with its HTTP status and
    what it means (for API documentation)."""

    status: int
    meaning: str

    def __new__(cls, code: str, status: int, meaning: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.status = status
        member.meaning = meaning
        return member

    # The request itself
    VALIDATION_ERROR = "VALIDATION_ERROR", 400, "the request does not match the schema"
    DUPLICATE = (
        "DUPLICATE",
        400,
        "a track with the same content is already in the library (ingest says so per file)",
    )
    UNAUTHORIZED = "UNAUTHORIZED", 401, "no valid bearer token (or a wrong password)"
    FORBIDDEN = "FORBIDDEN", 403, "the token's role may not do this"
    NOT_FOUND = "NOT_FOUND", 404, "no such track, or no such path"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED", 405, "the path does not take this method"
    REQUEST_TIMEOUT = (
        "REQUEST_TIMEOUT",
        408,
        "the body did not arrive within UPLOAD_TIMEOUT_SECONDS",
    )
    USERNAME_TAKEN = "USERNAME_TAKEN", 409, "an account with this username already exists"
    FILE_TOO_LARGE = "FILE_TOO_LARGE", 413, "the upload passed the limit while streaming"
    UNSUPPORTED_MEDIA_TYPE = (
        "UNSUPPORTED_MEDIA_TYPE",
        415,
        "the body's content type is not one this route takes",
    )
    RANGE_NOT_SATISFIABLE = (
        "RANGE_NOT_SATISFIABLE",
        416,
        "the Range header asks for bytes past the end of the file",
    )
    TOO_MANY_ATTEMPTS = (
        "TOO_MANY_ATTEMPTS",
        429,
        "too many failed sign-ins for the account or address (Retry-After)",
    )
    TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS", 429, "too many requests at once"

    # The audio: a well-formed request the service cannot use
    EMPTY_FILE = "EMPTY_FILE", 422, "the file has no bytes"
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT", 422, "not audio, or a format the decoder lacks"
    CORRUPT_AUDIO = (
        "CORRUPT_AUDIO",
        422,
        "truncated or corrupt: far less audio decodes than the file declares",
    )
    UNREADABLE_FILE = "UNREADABLE_FILE", 422, "the file cannot be read"
    AUDIO_TOO_SHORT = "AUDIO_TOO_SHORT", 422, "too little audio to identify"
    AUDIO_TOO_LONG = (
        "AUDIO_TOO_LONG",
        422,
        "more audio than this request allows (`details.use` names the route that takes it)",
    )
    INPUT_BROKE_OFF = (
        "INPUT_BROKE_OFF",
        422,
        "the input stopped part-way (a dropped connection, a failed source), after its audio",
    )
    SOURCE_UNREACHABLE = (
        "SOURCE_UNREACHABLE",
        502,
        "a live input's address cannot be opened: refused, unknown host, timed out, HTTP error",
    )

    # The service
    INTERNAL_ERROR = (
        "INTERNAL_ERROR",
        500,
        "a fault on our side; the request id finds it in the logs",
    )
    LANE_UNAVAILABLE = (
        "LANE_UNAVAILABLE",
        503,
        "a search lane cannot answer right now (e.g. no CLAP model)",
    )
    OVERLOADED = "OVERLOADED", 503, "too much CPU-bound work is running and queued (Retry-After)"
    SERVICE_UNAVAILABLE = (
        "SERVICE_UNAVAILABLE",
        503,
        "a store the request needs is down; nothing was half-written",
    )
    DATABASE_UNAVAILABLE = (
        "DATABASE_UNAVAILABLE",
        503,
        "the database is down; nothing was half-written",
    )
    INDEX_UNAVAILABLE = (
        "INDEX_UNAVAILABLE",
        503,
        "the fingerprint index cannot answer right now (a node down, a failover); no answer "
        "was guessed",
    )
    SEARCH_TIMEOUT = "SEARCH_TIMEOUT", 504, "the overall search deadline passed"
    STORAGE_FULL = "STORAGE_FULL", 507, "no disk space left for the upload or the stored original"


class AudioIdentError(Exception):
    """Base of every expected failure; `code` is stable and machine-readable."""

    code: ErrorCode = ErrorCode.INTERNAL_ERROR

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class RetryLater(AudioIdentError):
    """A refusal that passes: the same request may succeed after `retry_after_seconds`
    (which `details` carries too, and HTTP sends as Retry-After)."""

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message, {"retry_after_seconds": retry_after_seconds})
        self.retry_after_seconds = retry_after_seconds


class InvalidAudio(AudioIdentError):
    """The input cannot be used as audio; `code` says why."""

    def __init__(
        self, code: ErrorCode, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, details)
        self.code = code


class DecodingFailed(AudioIdentError):
    """The decoder could not read the audio (not audio, unsupported or corrupt)."""

    code = ErrorCode.UNSUPPORTED_FORMAT


class InputBrokeOff(DecodingFailed):
    """Audio was arriving, then the input stopped short of its end: a connection dropped, a
    source failed. `details["after_seconds"]` is how much was decoded before it."""

    code = ErrorCode.INPUT_BROKE_OFF


class SourceUnreachable(AudioIdentError):
    """A live input's address could not be opened at all (no audio came): the connection was
    refused or timed out, the host is unknown, or the server answered with an error.
    `details` carries the `url` and the `reason` in words."""

    code = ErrorCode.SOURCE_UNREACHABLE


class TrackNotFound(AudioIdentError):
    """No track has the id asked for."""

    code = ErrorCode.NOT_FOUND


class LaneUnavailable(AudioIdentError):
    """A search lane (exact or vibe) cannot answer right now."""

    code = ErrorCode.LANE_UNAVAILABLE


class TrackAlreadyExists(AudioIdentError):
    """A track with the same content (SHA-256) is already in the library."""

    code = ErrorCode.DUPLICATE

    def __init__(self, sha256: str) -> None:
        super().__init__("a track with this content already exists", {"sha256": sha256})
        self.sha256 = sha256


class Overloaded(RetryLater):
    """Too much CPU-bound work is running and queued: try again after `retry_after_seconds`."""

    code = ErrorCode.OVERLOADED


class ServiceUnavailable(AudioIdentError):
    """A store the request needs is down; nothing was half-written. Try again later."""

    code = ErrorCode.SERVICE_UNAVAILABLE


class DatabaseUnavailable(ServiceUnavailable):
    """Postgres is down, restarting or dropped the connection (not a bad query)."""

    code = ErrorCode.DATABASE_UNAVAILABLE


class StorageFull(ServiceUnavailable):
    """The disk (or quota) holding uploads, originals or an index has no room left."""

    code = ErrorCode.STORAGE_FULL


class IndexFull(StorageFull):
    """The fingerprint index cannot take this write: LMDB's map at its maximum or its disk
    full, or a Redis Cluster at its memory limit. The store's `check()` says so until a
    write fits again, so a projector parks nothing that more room would take."""


class IndexUnavailable(ServiceUnavailable):
    """The fingerprint index cannot be read or written right now (a node down, a failover
    under way, a connection lost): the search fails rather than answer from part of it."""

    code = ErrorCode.INDEX_UNAVAILABLE
