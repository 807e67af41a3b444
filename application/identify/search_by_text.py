"""Use case: tracks that sound like a sentence describes, with their rows."""

from __future__ import annotations

from application.capacity.admission import CpuAdmission
from application.identify.vibe_search import VibeSearch
from domain.library.track import Track
from domain.matches import VibeMatch
from domain.ports.unit_of_work_factory import UnitOfWorkFactory


class SearchByText:
    """Embed the text, search the vector index, join the track rows.

    Raises LaneUnavailable (with the reason) when the vibe lane is off. A track deleted
    since the index saw it is left out until the projection catches up. The text tower
    runs inside an `admission` slot.
    """

    def __init__(self, vibe: VibeSearch, uow: UnitOfWorkFactory, admission: CpuAdmission) -> None:
        self._vibe, self._uow, self._admission = vibe, uow, admission

    async def __call__(self, text: str, limit: int) -> list[tuple[VibeMatch, Track]]:
        self._vibe.ensure_available()  # refused for that reason, not for load
        async with self._admission.slot():
            matches = await self._vibe.by_text(text, limit)
        async with self._uow() as uow:
            tracks = await uow.tracks.get_many([m.track_id for m in matches])
        return [(m, tracks[m.track_id]) for m in matches if m.track_id in tracks]
