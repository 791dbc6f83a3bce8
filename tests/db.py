"""Database fixtures shared by the tests: every store test runs on SQLite and PostgreSQL.

PostgreSQL comes from env TEST_DATABASE_URL; without it those tests are skipped, unless
REQUIRE_POSTGRES=1, in which case they fail (so CI cannot silently test SQLite only).
Each PostgreSQL test gets a schema of its own (selected through ``search_path``) that is
dropped afterwards, so tests can run in parallel against one database.

Use from a conftest or test module::

    from tests.db import db_url, make_store, store  # noqa: F401
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bot.store import Store, resolve_url

BACKENDS = ("sqlite", "postgres")


def database_urls() -> dict[str, str | None]:
    """The server behind each backend of the test matrix.

    ``"sqlite"`` needs none (None: each test gets its own file); ``"postgres"`` is
    TEST_DATABASE_URL, or None when that is not set.
    """
    return {"sqlite": None, "postgres": os.environ.get("TEST_DATABASE_URL") or None}


def postgres_base_url() -> str:
    """TEST_DATABASE_URL; skips the calling test when unset (fails it if REQUIRE_POSTGRES=1)."""
    url = database_urls()["postgres"]
    if url is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("TEST_DATABASE_URL is not set")
    return resolve_url(url).render_as_string(hide_password=False)


@contextlib.contextmanager
def fresh_database_url(backend: str, directory: Path) -> Iterator[str]:
    """A URL of an empty database of ``backend``, discarded on exit."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'declbot-test.sqlite3'}"
        return
    if backend != "postgres":
        raise ValueError(f"unknown backend {backend!r}")
    base = resolve_url(postgres_base_url())
    schema = f"declbot_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        options = base.query.get("options", "")
        options = f"{options} -csearch_path={schema}".strip()
        yield base.update_query_dict({"options": options}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '30s'"))
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database per test, once per backend."""
    with fresh_database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def make_store(db_url: str) -> Iterator[Callable[..., Store]]:
    """Opens Stores (on the test's database unless a URL is given); all closed at teardown."""
    opened: list[Store] = []

    def make(url: str | None = None, **options: Any) -> Store:
        opened.append(Store(url or db_url, **options))
        return opened[-1]

    yield make
    for opened_store in opened:
        opened_store.close()


@pytest.fixture
def store(make_store: Callable[..., Store]) -> Store:
    """A Store on an empty database, once per backend."""
    return make_store()
