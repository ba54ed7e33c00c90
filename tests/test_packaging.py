"""Every data file the packages read at run time is declared in pyproject's package-data.

`pip install .` (the Docker image, any non-editable install) copies only the .py files and
the package-data globs; a data file left out is missing only there, never in the checkout
the other tests run from (the image build once failed at `ipms kb check` on
knowledge/data/faq/matching/guard.yaml).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "flows", "knowledge", "storage")


def _declared() -> set[Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    package_data: dict[str, list[str]] = config["tool"]["setuptools"]["package-data"]
    declared: set[Path] = set()
    for package, patterns in package_data.items():
        base = ROOT.joinpath(*package.split("."))
        for pattern in patterns:
            declared.update(p for p in base.glob(pattern) if p.is_file())
    return declared


def _data_files() -> set[Path]:
    found: set[Path] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if path.suffix in {".py", ".pyc"}:
                continue
            found.add(path)
    return found


def test_every_data_file_is_in_package_data() -> None:
    missing = sorted(str(p.relative_to(ROOT)) for p in _data_files() - _declared())
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"


def test_migrations_are_in_package_data() -> None:
    declared = _declared()
    versions = list((ROOT / "storage" / "migrations" / "versions").glob("*.py"))
    assert versions and all(p in declared for p in versions)
