"""Shared fixtures: where the seed form lives and its text.

The seed (the one real form, pasted out of its spreadsheet) sits outside the repository in
``../shared/seed``; set ``DECLBOT_SEED_DIR`` to use another directory. Tests that need it are
skipped, with the reason, when it is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# No timing in tests: Hypothesis's per-example deadline fails a slow first run (imports, a
# loaded CI machine) as if it were a bug. Speed is measured in bench/, not asserted here.
settings.register_profile("declbot", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("declbot")

#: Fixture modules shared by many test files: databases (SQLite and PostgreSQL) and Slack.
pytest_plugins = ["tests.db", "tests.slack_fixtures"]

DEFAULT_SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seed"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The seed directory (``../shared/seed``, or ``$DECLBOT_SEED_DIR``)."""
    path = Path(os.environ.get("DECLBOT_SEED_DIR") or DEFAULT_SEED_DIR)
    if not path.is_dir():
        pytest.skip(f"seed directory {path} not found; set DECLBOT_SEED_DIR")
    return path


@pytest.fixture(scope="session")
def seed_file(seed_path: Path) -> Path:
    """The seed form's text file (the only .txt in the seed directory)."""
    files = sorted(seed_path.glob("*.txt"))
    if len(files) != 1:
        pytest.skip(f"expected exactly one .txt seed form in {seed_path}, found {len(files)}")
    return files[0]


@pytest.fixture(scope="session")
def seed_text(seed_file: Path) -> str:
    """The seed form as pasted: tabs between cells, source-system <p> tags and all."""
    return seed_file.read_text(encoding="utf-8")
