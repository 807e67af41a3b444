"""architecture.md's module map names every module under its own folder, so each module
is one hop from it."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("domain", "application", "adapters", "entrypoints")
FOLDER = re.compile(r"(?:\*\*|`)([\w/]+)/(?:\*\*|`)")  # **domain/ports/** or `memory/`
INLINE = re.compile(r"`([\w/]+/[\w.]+)`")  # `embedded_postgres/server.py`


def _sections(mapped: str) -> dict[str, list[str]]:
    """Each folder's text: from its heading to the next folder's."""
    marks = list(FOLDER.finditer(mapped))
    sections: dict[str, list[str]] = defaultdict(list)
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following else len(mapped)
        sections[mark.group(1).rsplit("/", 1)[-1]].append(mapped[mark.end() : end])
    return sections


def test_every_module_is_in_the_map_under_its_folder() -> None:
    text = (ROOT / "architecture.md").read_text()
    mapped = text[text.index("## Module map") :]
    sections, inline = _sections(mapped), set(INLINE.findall(mapped))
    modules = [
        path
        for layer in LAYERS
        for path in sorted((ROOT / layer).rglob("*"))
        if path.suffix in (".py", ".c", ".h") and not path.name.startswith("_")
    ]
    missing = [
        str(path.relative_to(ROOT))
        for path in modules
        if f"{path.parent.name}/{path.name}" not in inline
        and not any(f"`{path.name}`" in part for part in sections[path.parent.name])
    ]
    assert len(modules) > 150
    assert missing == []
