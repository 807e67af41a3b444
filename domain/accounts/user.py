"""Users of the HTTP API: who may ingest and delete (admins) and who may read (users)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import AudioIdentError, ErrorCode, RetryLater

USERNAME_MAX_LENGTH = 64
PASSWORD_MIN_LENGTH = 8


class Role(StrEnum):
    ADMIN = "admin"
    USER = "user"


@dataclass(frozen=True, slots=True)
class User:
    """An account; only the password's hash is ever kept."""

    username: str
    password_hash: str
    role: Role
    created_at: datetime
    id: UUID = field(default_factory=uuid4)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class Unauthorized(AudioIdentError):
    """No valid credentials: a missing, expired or forged token, or a wrong password."""

    code = ErrorCode.UNAUTHORIZED


class Forbidden(AudioIdentError):
    """Valid credentials, but the role does not allow the action."""

    code = ErrorCode.FORBIDDEN


class UsernameTaken(AudioIdentError):
    """Another account has this username (usernames compare case-insensitively)."""

    code = ErrorCode.USERNAME_TAKEN

    def __init__(self, username: str) -> None:
        super().__init__(f"the username {username!r} is taken", {"username": username})


class InvalidUsername(AudioIdentError):
    """A username that is empty, too long, or has spaces or unprintable characters (or a
    password under the minimum length)."""

    code = ErrorCode.VALIDATION_ERROR


class UserNotFound(AudioIdentError):
    """No account has this username."""

    code = ErrorCode.NOT_FOUND

    def __init__(self, username: str) -> None:
        super().__init__(f"no account named {username!r}", {"username": username})


def check_password(password: str) -> None:
    """Raises InvalidUsername (a VALIDATION_ERROR) for a password under the minimum length."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidUsername(
            f"a password needs at least {PASSWORD_MIN_LENGTH} characters", {"field": "password"}
        )


def normalize_username(raw: str) -> str:
    """Usernames compare case-insensitively; raises InvalidUsername for unusable ones."""
    name = raw.strip().lower()
    if not name or len(name) > USERNAME_MAX_LENGTH or not name.isprintable() or " " in name:
        raise InvalidUsername(
            f"a username is 1 to {USERNAME_MAX_LENGTH} characters without spaces",
            {"username": raw},
        )
    return name


class TooManyAttempts(RetryLater):
    """Too many failed sign-ins for this account or from this address: wait and retry."""

    code = ErrorCode.TOO_MANY_ATTEMPTS
