"""The one-way import rule: only portal/ may import Flask and its extensions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WEB_MODULES = ("flask", "flask_babel", "folium", "werkzeug", "jinja2", "authlib.integrations.flask")
CORE = ("catalog", "harvesters", "captive_portal")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def is_web(module: str) -> bool:
    return any(module == web or module.startswith(web + ".") for web in WEB_MODULES)


@pytest.mark.parametrize("package", CORE)
def test_core_packages_import_no_web_framework(package: str) -> None:
    offenders = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / package).rglob("*.py")
        for module in imported_modules(path) if is_web(module)
    }
    assert (ROOT / package / "__init__.py").exists()
    assert offenders == set()


def test_catalog_imports_neither_portal_nor_harvesters_nor_captive_portal() -> None:
    upward = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "catalog").rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in {"portal", "harvesters", "captive_portal"}
    }
    assert upward == set()


def test_the_checker_sees_a_flask_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from flask import Flask\nimport flask_babel as fb\n")
    assert {m for m in imported_modules(sample) if is_web(m)} == {"flask", "flask_babel"}
