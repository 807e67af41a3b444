"""The vibe lane's model as this process has it: loaded, or off with the reason why."""

from __future__ import annotations

from dataclasses import dataclass

from domain.ports.embedder import Embedder
from domain.projections.names import ProjectionName


@dataclass(frozen=True, slots=True)
class VibeModel:
    """`enabled`: the deployment wants the vibe lane (EMBEDDING_MODEL is not "none").
    `embedder` is None when it is off, failed to load, or this command never embeds."""

    enabled: bool
    embedder: Embedder | None
    unavailable_reason: str = ""

    @property
    def kept_projections(self) -> tuple[ProjectionName, ...]:
        """The projections the deployment keeps: no embedding one with the vibe lane off."""
        if self.enabled:
            return (ProjectionName.FINGERPRINT, ProjectionName.EMBEDDING)
        return (ProjectionName.FINGERPRINT,)


def vibe_state(model: VibeModel) -> tuple[str, str]:
    """ "on", "off" (switched off on purpose) or "unavailable", with the reason for the last."""
    if not model.enabled:
        return "off", ""
    if model.embedder is None:
        return "unavailable", model.unavailable_reason
    return "on", ""
