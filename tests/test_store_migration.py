"""A database written by an earlier release still opens: its drafts, positions and offers
carry over.

Release 1 (commit c481b57, the last one that landed before the row-based store) and release 2
(the row-based store before rows had a name key) are taken out of the repository's own history
with ``git archive`` and run in a subprocess against a fresh database, exactly as they ran.
This release then opens that database.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.store import Store
from bot.store.migrate import schema_version
from bot.store.schema import SCHEMA_VERSION
from form_model.importers import read_text
from tests.chat import Chat

RELEASE_1 = "c481b57"
RELEASE_2 = "208d429"
REPO = Path(__file__).resolve().parents[1]

#: What release 1 is made to do: draft the seed by pasting it, then walk to a question with
#: offered choices (the annual value of an indicator, offering 「同实施周期指标值」).
V1_SCRIPT = textwrap.dedent("""
    import sys
    from bot.engine import Engine
    from bot.store import Store
    from bot.types import Turn

    url, seed_path = sys.argv[1], sys.argv[2]
    engine = Engine(Store(url))
    def say(text="", choice=None):
        return engine.handle(Turn("dm:U1", "U1", text=text, choice=choice))
    say()
    say(open(seed_path, encoding="utf-8").read())
    say("新建")
    say("市档案馆")
    say("跳过")
    say("基本支出 10，项目支出 20")
    say("修改 质量指标")
    say("档案数字化页数")
    replies = say("≥5000页")
    assert any(c.value == "ind_annual:same" for r in replies for c in r.choices), replies
    print("ok")
""")


def _release(rev: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release's packages, from the repository's history."""
    try:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "bot", "form_model"],
                                 check=True, capture_output=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        pytest.skip(f"release {rev} is not in this checkout's history: {e}")
    target = tmp_path_factory.mktemp(f"release-{rev}")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def _run(release: Path, script: str, *args: str) -> None:
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=release, capture_output=True,
                          text=True, env={"PYTHONPATH": str(release), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


@pytest.fixture(scope="module")
def release_1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _release(RELEASE_1, tmp_path_factory)


@pytest.fixture(scope="module")
def release_2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _release(RELEASE_2, tmp_path_factory)


@pytest.fixture
def v1_database(db_url: str, release_1: Path, seed_file: Path) -> Iterator[str]:
    _run(release_1, V1_SCRIPT, db_url, str(seed_file))
    yield db_url


def test_a_release_1_database_opens_with_drafts_positions_and_offers(v1_database: str, seed_text: str) -> None:
    store = Store(v1_database)
    try:
        with store._transaction(write=False) as conn:
            assert schema_version(conn) == SCHEMA_VERSION
        drafts = sorted(store.drafts_of("user:U1"), key=lambda d: d.id)
        assert [d.header["department"] for d in drafts] == ["广州市协作办公室", "市档案馆"]
        assert store.snapshot(drafts[0].id, "user:U1").form == read_text(seed_text)
        second = store.snapshot(drafts[1].id, "user:U1").form
        assert (second.budget.basic_expenditure, second.budget.project_expenditure) == (10, 20)
        assert [(i.level2, i.name, i.period_value) for i in second.indicators] == [
            ("质量指标", "档案数字化页数", "≥5000页")]

        chat = Chat(Engine(store))
        chat.open()  # the question release 1 was asking
        assert "【绩效指标 › 产出指标 › 质量指标，第 1 项 › 年度指标值】" in chat.text
        chat.say("1")  # its offered choice: 「同实施周期指标值」
        assert chat.form().indicators[0].annual_value == "≥5000页"
        assert "质量指标已有 1 项指标" in chat.text  # still inside the edit release 1 began …
        chat.click("ind.more:next")
        assert "回到刚才的位置" in chat.text and "【预算整体情况 › 收入来源 › 财政拨款】" in chat.text
        chat.say("撤销")  # this release's own change can be undone …
        assert chat.form().indicators[0].annual_value == ""
        chat.say("撤销")  # … release 1's history is kept, but not undone (its positions are stale)
        assert "没有可以撤销的修改" in chat.text
        assert chat.form().indicators[0].period_value == "≥5000页"
    finally:
        store.close()


def test_opening_twice_migrates_once(v1_database: str) -> None:
    Store(v1_database).close()
    store = Store(v1_database)
    try:
        assert len(store.drafts_of("user:U1")) == 2
    finally:
        store.close()


#: Release 2 drafts the seed by pasting it (rows without a name key).
V2_SCRIPT = textwrap.dedent("""
    import sys
    from bot.engine import Engine
    from bot.store import Store
    from bot.types import Turn

    url, seed_path = sys.argv[1], sys.argv[2]
    engine = Engine(Store(url))
    engine.handle(Turn("dm:U1", "U1", text=""))
    engine.handle(Turn("dm:U1", "U1", text=open(seed_path, encoding="utf-8").read()))
    print("ok")
""")


def test_a_release_2_database_finds_its_rows_by_name(db_url: str, release_2: Path, seed_file: Path,
                                                      seed_text: str) -> None:
    _run(release_2, V2_SCRIPT, db_url, str(seed_file))
    store = Store(db_url)
    try:
        with store._transaction(write=False) as conn:
            assert schema_version(conn) == SCHEMA_VERSION
        [draft] = store.drafts_of("user:U1")
        seed = read_text(seed_text)
        assert store.snapshot(draft.id, "user:U1").form == seed
        chat = Chat(Engine(store))
        chat.open()
        chat.say("协助国内各地市来穗开展招商推介和经贸考察交流活动次数：≥12次")  # an indicator of the draft
        form = chat.form()
        assert len(form.indicators) == len(seed.indicators)  # changed, not added again
        changed = next(i for i in form.indicators if i.name == "协助国内各地市来穗开展招商推介和经贸考察交流活动次数")
        assert (changed.period_value, changed.annual_value) == ("≥12次", "≥12次")
    finally:
        store.close()
