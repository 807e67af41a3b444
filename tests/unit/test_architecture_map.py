"""architecture.md's map names every folder of code in one line, and only folders that exist:
a module is found by its folder, and its docstring says what it holds."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOP = ("domain", "application", "adapters", "entrypoints", "tests")
CODE = {".py", ".c", ".h", ".js", ".html", ".css"}
ENTRY = re.compile(r"^- `([\w/]+)/`", re.MULTILINE)  # - `domain/exact/` ...


def _mapped() -> list[str]:
    text = (ROOT / "architecture.md").read_text()
    section = text[text.index("## Map") :]
    section = section[: section.find("\n## ", 1)] if "\n## " in section[1:] else section
    return ENTRY.findall(section)


def _folders() -> set[str]:
    return {
        str(path.parent.relative_to(ROOT))
        for top in TOP
        for path in (ROOT / top).rglob("*")
        if path.suffix in CODE and "__pycache__" not in path.parts
    }


def test_every_folder_of_code_has_one_line_in_the_map() -> None:
    mapped = _mapped()
    assert len(mapped) == len(set(mapped)), "a folder is mapped twice"
    assert sorted(_folders() - set(mapped)) == []


def test_the_map_names_no_folder_that_is_gone() -> None:
    assert sorted(set(_mapped()) - _folders()) == []
