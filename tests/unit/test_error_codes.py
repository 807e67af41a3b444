"""The catalogue of error codes (`domain.errors.ErrorCode`) is complete and the only source:
every code has a status and a meaning, every error class takes its code from it, and no
code is spelled as a bare string anywhere else."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

from domain.errors import AudioIdentError, ErrorCode
from entrypoints.http.error_docs import describe
from entrypoints.http.errors import _CODE_OF_STATUS

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("domain", "application", "adapters", "entrypoints")


@pytest.mark.parametrize("code", list(ErrorCode), ids=str)
def test_every_code_has_a_status_and_a_meaning(code: ErrorCode) -> None:
    assert code.value == code.name  # what clients match on reads like the member
    assert isinstance(code.status, int) and 400 <= code.status <= 599
    assert code.meaning.strip() and "\n" not in code.meaning


def test_litestar_refusals_map_to_codes_with_the_same_status() -> None:
    for status, code in _CODE_OF_STATUS.items():
        assert code.status == status, code
    # The statuses Litestar raises by itself (routing, parsing, limits, the body deadline).
    assert set(_CODE_OF_STATUS) >= {400, 401, 403, 404, 405, 408, 413, 415, 416, 429, 503}


def test_every_error_class_takes_its_code_from_the_catalogue() -> None:
    for layer in LAYERS:  # import every module, so that every subclass is defined
        package = importlib.import_module(layer)
        for module in pkgutil.walk_packages(package.__path__, f"{layer}."):
            if not module.ispkg:
                importlib.import_module(module.name)
    classes = _subclasses(AudioIdentError)
    assert len(classes) > 10
    for cls in classes:
        assert isinstance(cls.code, ErrorCode), cls


def test_no_code_is_a_bare_string_outside_the_catalogue() -> None:
    codes = {code.value for code in ErrorCode}
    found: list[str] = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            if path == ROOT / "domain" / "errors.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Constant) and node.value in codes:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
    assert found == []


def test_openapi_descriptions_name_each_code_of_a_status() -> None:
    assert describe(503).splitlines() == [
        f"- {code}: {code.meaning}"
        for code in (
            ErrorCode.LANE_UNAVAILABLE,
            ErrorCode.OVERLOADED,
            ErrorCode.SERVICE_UNAVAILABLE,
            ErrorCode.DATABASE_UNAVAILABLE,
            ErrorCode.INDEX_UNAVAILABLE,
        )
    ]
    with pytest.raises(ValueError, match="418"):
        describe(418)


def _subclasses(cls: type[AudioIdentError]) -> set[type[AudioIdentError]]:
    found: set[type[AudioIdentError]] = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found
