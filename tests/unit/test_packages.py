"""Every folder of Python code is a package that an install carries: pyproject's
`packages.find` (not find_namespace) skips a folder without `__init__.py`, so a wheel
would lack its modules while the source checkout still ran."""

from __future__ import annotations

import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]


def test_every_folder_of_python_code_is_installed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    installed = set(find_packages(str(ROOT), include=include))
    tops = {pattern.rstrip("*") for pattern in include}
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for top in tops
        for path in (ROOT / top).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert sorted(folders - installed) == []
