"""The third-party museum files of ``../shared/museum`` (XSD bundles, public LIDO samples):
required in CI, skipped with a message elsewhere. Tarballs are unpacked into a temporary folder."""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest
from lxml import etree

# ../shared from the project root; PORTAL_TEST_SHARED_DIR names it for a checkout elsewhere
# (a git worktree, say).
SHARED_MUSEUM = Path(os.environ.get("PORTAL_TEST_SHARED_DIR")
                     or Path(__file__).resolve().parents[1].parent / "shared") / "museum"
IN_CI = os.environ.get("CI", "").lower() == "true"
HAMBURG = "lido_mkg-hamburg_kabinettschrank_minimaldatensatz.xml"
UFFIZI = "lido-v1.1_example_uffizi_primavera.xml"


def shared_file(name: str) -> Path:
    """``../shared/museum/<name>``: a failure in CI when missing, else a skip."""
    path = SHARED_MUSEUM / name
    if not path.is_file():
        message = f"{path} is missing (the shared museum files live in ../shared/museum)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def unpack(tarball: str, into: Path) -> Path:
    """Unpack ``tarball`` of ../shared/museum into ``into`` (refusing unsafe member paths)."""
    with tarfile.open(shared_file(tarball)) as archive:
        archive.extractall(into, filter="data")
    return into


def load_schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))
