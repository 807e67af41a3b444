"""POST /api/v1/auth/token (OAuth2 password form → JWT), GET /api/v1/auth/me."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.status_codes import HTTP_200_OK

from application.accounts.authenticate import Authenticate
from entrypoints.http.access import Access
from entrypoints.http.error_docs import errors
from entrypoints.http.schemas.auth import TokenForm, TokenResponse, UserOut


@post(
    "/auth/token",
    status_code=HTTP_200_OK,
    tags=["auth"],
    summary="Sign in: username and password (OAuth2 password form) → a bearer token",
    description=(
        "Failed sign-ins are limited per account and per client address "
        "(LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_ADDRESS in LOGIN_WINDOW_SECONDS): "
        "past the limit, 429 TOO_MANY_ATTEMPTS with Retry-After, even for the right password."
    ),
    responses=errors(401, 429),
)
@inject
async def token(
    data: Annotated[TokenForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    request: Request[Any, Any, Any],
    sign_in: FromDishka[Authenticate],
) -> TokenResponse:
    address = request.client.host if request.client else None
    _, issued = await sign_in(data.username, data.password, address)
    expires_in = int((issued.expires_at - datetime.now(UTC)).total_seconds())
    return TokenResponse(
        access_token=issued.token,
        token_type="bearer",
        expires_in=max(0, expires_in),
        expires_at=issued.expires_at,
    )


@get(
    "/auth/me",
    tags=["auth"],
    summary="The signed-in user",
    security=[{"BearerToken": []}],
    responses=errors(401),
)
@inject
async def me(access: FromDishka[Access]) -> UserOut:
    return UserOut.of(await access.user())
