"""Fixtures for the Slack end-to-end tests (see tests.slack_harness).

* ``slack``: the session's fake Slack Web API, emptied for each test. A test fails if the app
  sent anything Slack would have refused (over Block Kit's limits: see tests.slack_limits).
* ``served``: ``declbot serve --http`` (one gunicorn worker, a session-long subprocess on a SQLite
  file) with an :class:`~tests.slack_harness.Endpoint` to post to it.
* ``in_process``: starts app instances in this process on a given database URL.

Use from a test module: ``pytest_plugins = ["tests.db", "tests.slack_fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.fake_slack import FakeSlack
from tests.slack_harness import Endpoint, InProcessServer, ServeProcess


@pytest.fixture(scope="session")
def fake_api() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()


def assert_nothing_refused(fake: FakeSlack) -> None:
    """Whatever a test did, the app never sent what Slack refuses."""
    refused = [(method, r.error, r.messages[:3]) for method, r in fake.refused]
    assert refused == [], f"Slack would have refused: {refused}"


@pytest.fixture
def slack(fake_api: FakeSlack) -> Iterator[FakeSlack]:
    """The fake Slack Web API, emptied for this test."""
    fake_api.reset()
    yield fake_api
    assert_nothing_refused(fake_api)


@pytest.fixture(scope="session")
def served_process(fake_api: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    process = ServeProcess.on_sqlite(fake_api, tmp_path_factory.mktemp("served"))
    yield process
    process.stop()


@pytest.fixture
def served(served_process: ServeProcess, fake_api: FakeSlack) -> Iterator[Endpoint]:
    """``declbot serve --http`` (one gunicorn worker) and a fresh fake."""
    fake_api.reset()
    yield Endpoint(served_process.base, fake_api)
    assert_nothing_refused(fake_api)


@pytest.fixture
def in_process(slack: FakeSlack) -> Iterator[Callable[[str], tuple[Endpoint, InProcessServer]]]:
    """Start app instances in this process: ``in_process(database_url)``."""
    started: list[InProcessServer] = []

    def start(database_url: str) -> tuple[Endpoint, InProcessServer]:
        started.append(InProcessServer(slack, database_url))
        return Endpoint(started[-1].base, slack), started[-1]

    yield start
    for server in started:
        server.stop()
