"""Errors that carry a stable code and a message meant for the user."""

from __future__ import annotations

from typing import Any


class AudioIdentError(Exception):
    """Base of every expected failure; `code` is stable and machine-readable."""

    code = "INTERNAL_ERROR"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidAudio(AudioIdentError):
    """The input cannot be used as audio; `code` says why."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details)
        self.code = code


class DecodingFailed(AudioIdentError):
    """The decoder could not read the audio (not audio, unsupported or corrupt)."""

    code = "UNSUPPORTED_FORMAT"


class TrackNotFound(AudioIdentError):
    code = "NOT_FOUND"


class LaneUnavailable(AudioIdentError):
    """A search lane (exact or vibe) cannot answer right now."""

    code = "LANE_UNAVAILABLE"


class TrackAlreadyExists(AudioIdentError):
    """A track with the same content (SHA-256) is already in the library."""

    code = "DUPLICATE"

    def __init__(self, sha256: str) -> None:
        super().__init__("a track with this content already exists", {"sha256": sha256})
        self.sha256 = sha256


class Overloaded(AudioIdentError):
    """Too much CPU-bound work is running and queued: try again after `retry_after_seconds`."""

    code = "OVERLOADED"

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message, {"retry_after_seconds": retry_after_seconds})
        self.retry_after_seconds = retry_after_seconds


class ServiceUnavailable(AudioIdentError):
    """A store the request needs is down; nothing was half-written. Try again later."""

    code = "SERVICE_UNAVAILABLE"


class DatabaseUnavailable(ServiceUnavailable):
    code = "DATABASE_UNAVAILABLE"


class StorageFull(ServiceUnavailable):
    """The disk (or quota) holding uploads, originals or an index has no room left."""

    code = "STORAGE_FULL"
