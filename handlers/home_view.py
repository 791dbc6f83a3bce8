"""The App Home tab as Block Kit: the person's drafts with per-section progress and buttons
to continue or export each. Pure: no Slack calls. The drafts' titles and progress are the
person's text: plain_text, cut to fit (a 3,000-character department name must not make Slack
refuse the whole tab)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.engine import DraftOverview
from handlers.blocks import button, context, mrkdwn, plain, section
from handlers.slack_text import escape
from handlers.texts import text

HOME_ACTION_PREFIX = "declbot_home_"
#: Every App Home button's action_id matches this.
HOME_ACTION_ID = re.compile(rf"^{HOME_ACTION_PREFIX}(new|open_\d+|export_\d+)$")
#: Drafts listed (a view holds at most 100 blocks; each draft takes four).
MAX_DRAFTS = 20
#: A header block's text.
HEADER_LIMIT = 150
NEW_DRAFT_VALUE = "new"


def when(draft: DraftOverview) -> str:
    """The update time in each viewer's own time zone (Slack's date token)."""
    stamp = int(draft.updated_at.timestamp())
    fallback = draft.updated_at.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{stamp}^{{date_num}} {{time}}|{fallback}>"


def state_line(draft: DraftOverview, lang: str) -> str:
    """A draft's state as of its last check, its findings and when it changed (mrkdwn)."""
    state = text(lang, "home_unchecked" if draft.complete is None else
                 "home_complete" if draft.complete else "home_incomplete")
    counts = text(lang, "home_counts", error=draft.counts.get("error", 0),
                  warning=draft.counts.get("warning", 0), info=draft.counts.get("info", 0))
    return f"{escape(state)} · {escape(counts)} · {text(lang, 'home_updated', at=when(draft))}"


def draft_blocks(draft: DraftOverview, lang: str) -> list[dict[str, Any]]:
    """A draft: its title (the person's text, cut to fit a header), its state (as of its
    last check), its progress (cut to fit a section) and its buttons."""
    meta = state_line(draft, lang)
    return [
        {"type": "header", "text": plain(draft.title or "—", HEADER_LIMIT)},
        context(mrkdwn(meta)),
        section(draft.progress or "—"),
        {"type": "actions", "block_id": f"declbot_home_draft_{draft.id}", "elements": [
            button(text(lang, "home_continue"), f"{HOME_ACTION_PREFIX}open_{draft.id}",
                   f"open:{draft.id}", style=None if draft.complete else "primary"),
            button(text(lang, "home_export"), f"{HOME_ACTION_PREFIX}export_{draft.id}",
                   f"export_draft:{draft.id}", style="primary" if draft.complete else None),
        ]},
    ]


def home_view(drafts: Sequence[DraftOverview], lang: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(text(lang, "home_title"), HEADER_LIMIT)},
        section(text(lang, "home_intro")),
        {"type": "actions", "block_id": "declbot_home_top", "elements": [
            button(text(lang, "home_new"), f"{HOME_ACTION_PREFIX}new", NEW_DRAFT_VALUE),
        ]},
        {"type": "divider"},
    ]
    own = [d for d in drafts if d.place is None]
    shared = [d for d in drafts if d.place is not None]
    # At most MAX_DRAFTS in all; the person's own drafts leave room for up to half as many
    # thread drafts.
    own_cap = MAX_DRAFTS - min(len(shared), MAX_DRAFTS // 2)
    if not own:
        blocks.append(section(text(lang, "home_none")))
    else:
        blocks += _listing(own, lang, "home_count", own_cap)
    if shared:  # thread drafts the person took part in, apart from their own
        blocks.append({"type": "header", "text": plain(text(lang, "home_shared_title"), HEADER_LIMIT)})
        blocks += _listing(shared, lang, "home_shared_count", MAX_DRAFTS - min(len(own), own_cap))
    return {"type": "home", "blocks": blocks}


def _listing(drafts: Sequence[DraftOverview], lang: str, count_key: str, cap: int) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [context(mrkdwn(escape(text(lang, count_key, n=len(drafts)))))]
    for draft in drafts[:cap]:
        blocks += draft_blocks(draft, lang)
    if len(drafts) > cap:
        blocks.append(context(mrkdwn(escape(text(lang, "home_more", n=len(drafts) - cap)))))
    return blocks


def notice_view(message: str) -> dict[str, Any]:
    """A Home tab that only says something (e.g. the store is unavailable)."""
    return {"type": "home", "blocks": [section(message)]}
