"""The one error shape every failing response has."""

from __future__ import annotations

from typing import Any

import msgspec


class ErrorDetail(msgspec.Struct, kw_only=True):
    code: str
    message: str
    details: dict[str, Any] = msgspec.field(default_factory=dict)


class ErrorBody(msgspec.Struct, kw_only=True):
    """`{"error": {"code", "message", "details"}}`; `code` is stable, `message` for people."""

    error: ErrorDetail
