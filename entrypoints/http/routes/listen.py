"""WebSocket /api/v1/listen: a browser's microphone in, segments out as they are found.

The client sends the chunks a MediaRecorder gives (WebM/Opus, or any format ffmpeg reads
from a pipe) as binary messages, and a text message `stop` (or {"type": "stop"}) when it
is done; closing the socket also ends the input. The server answers with JSON text
messages: `listening` once the caller is let in, `segment_started` as soon as a segment's
start is certain, `segment` when it is settled, `progress` now and then, and last `end`,
or `error` with the usual error object (OVERLOADED and close code 1013, before
`listening`, when the service's CPU is saturated). Browsers cannot set headers on a
WebSocket, so the bearer token may come as the subprotocols `bearer, <token>` (`new
WebSocket(url, ["bearer", token])`), never in the URL, where access logs would keep it;
the rules are those of search.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import msgspec
import structlog
from dishka import AsyncContainer
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.status_codes import WS_1000_NORMAL_CLOSURE, WS_1008_POLICY_VIOLATION

from application.accounts.authenticate import Authorize
from application.capacity.admission import CpuAdmission
from application.timeline.build_timeline import BuildTimeline
from application.timeline.policy import TimelinePolicy
from domain.errors import AudioIdentError, DecodingFailed, InvalidAudio, Overloaded
from domain.timeline.audio_source import ByteChunks
from entrypoints.http.access import Access
from entrypoints.http.schemas.timeline import ErrorLine, TimelineLine, TimelineLines, encoded

PROGRESS_EVERY_SECONDS = 5.0
_UNSUPPORTED_DATA = 1003  # the close code for input that is not (usable) audio
_INTERNAL_ERROR = 1011
_TRY_AGAIN_LATER = 1013  # the service is saturated: refused before any audio is read
_QUEUED_CHUNKS = 256  # MediaRecorder chunks waiting for the decoder (seconds of audio)
log = structlog.get_logger(__name__)


@websocket("/listen")
async def listen(socket: WebSocket) -> None:
    offered = list(socket.scope.get("subprotocols") or [])
    await socket.accept(subprotocols="bearer" if offered[:1] == ["bearer"] else None)
    container: AsyncContainer = socket.state.dishka_container
    async with container() as scope:
        try:
            await _let_in(scope, socket)
            (await scope.get(CpuAdmission)).refuse_if_saturated()
        except AudioIdentError as error:
            await _send(socket, ErrorLine.of(error))
            busy = isinstance(error, Overloaded)
            await socket.close(code=_TRY_AGAIN_LATER if busy else WS_1008_POLICY_VIOLATION)
            return
        build = await scope.get(BuildTimeline)
        longest = (await scope.get(TimelinePolicy)).max_request_seconds
        await socket.send_text(encoded({"type": "listening"}).decode())
        inbox = _Inbox(socket)
        receiving = asyncio.create_task(inbox.receive())
        try:
            await _follow(socket, build, ByteChunks(inbox.chunks(), "microphone"), longest)
        finally:
            receiving.cancel()
            await asyncio.gather(receiving, return_exceptions=True)


async def _let_in(scope: AsyncContainer, socket: WebSocket) -> None:
    """An Authorization header, or the subprotocols `bearer, <token>` a browser can send."""
    header = socket.headers.get("authorization")
    offered = list(socket.scope.get("subprotocols") or [])
    if header is None and len(offered) == 2 and offered[0] == "bearer":
        header = f"Bearer {offered[1]}"
    authorize = await scope.get(Authorize)
    await Access.from_header(authorize, header).reader()


async def _follow(
    socket: WebSocket,
    build: BuildTimeline,
    source: ByteChunks,
    max_seconds: float,
) -> None:
    lines = TimelineLines(PROGRESS_EVERY_SECONDS)
    try:
        async for update in build(source, live=True, max_seconds=max_seconds):
            if line := lines.line(update):
                await _send(socket, line)
    except (InvalidAudio, DecodingFailed) as error:
        await _send(socket, ErrorLine.of(error))
        await _close(socket, _UNSUPPORTED_DATA)
    except Overloaded as error:  # saturated between letting in and starting
        await _send(socket, ErrorLine.of(error))
        await _close(socket, _TRY_AGAIN_LATER)
    except AudioIdentError as error:
        await _send(socket, ErrorLine.of(error))
        await _close(socket, _INTERNAL_ERROR)
    except WebSocketDisconnect:
        return  # the listener left: nobody to tell
    except Exception:
        log.exception("listening failed")
        await _send(socket, ErrorLine.of(AudioIdentError("listening failed on our side")))
        await _close(socket, _INTERNAL_ERROR)
    else:
        await _send(socket, lines.end())
        await _close(socket, WS_1000_NORMAL_CLOSURE)


async def _send(socket: WebSocket, line: TimelineLine) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):  # already gone
        await socket.send_text(encoded(line).decode())


async def _close(socket: WebSocket, code: int) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        await socket.close(code=code)


class _Inbox:
    """Binary messages queued for the decoder until `stop` or the socket closes."""

    def __init__(self, socket: WebSocket) -> None:
        self._socket = socket
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue(_QUEUED_CHUNKS)

    async def receive(self) -> None:
        try:
            while True:
                message = await self._socket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if data := message.get("bytes"):
                    await self._queue.put(data)
                elif _is_stop(message.get("text")):
                    break
        except WebSocketDisconnect:
            pass
        finally:
            await self._queue.put(None)

    async def chunks(self) -> AsyncIterator[bytes]:
        while (chunk := await self._queue.get()) is not None:
            yield chunk


def _is_stop(text: str | None) -> bool:
    """`stop`, or {"type": "stop"}; other text messages are ignored."""
    if text is None:
        return False
    if text.strip().lower() == "stop":
        return True
    try:
        message = msgspec.json.decode(text)
    except msgspec.DecodeError:
        return False
    return isinstance(message, dict) and message.get("type") == "stop"
