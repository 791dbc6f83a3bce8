"""The thread drafts a person took part in, listed in their DM apart from their own drafts
(``/declbot status | drafts | check | export``), with buttons to check or export each there.
Pure: no Slack calls. Titles are the people's text: plain_text, cut to fit."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.engine import DraftOverview
from handlers.blocks import Block, Message, button, context, fallback, mrkdwn, plain, section
from handlers.home_view import state_line
from handlers.long_text import clip
from handlers.places import thread_of
from handlers.slack_text import escape
from handlers.texts import text

SHARED_ACTION_PREFIX = "declbot_shared_"
#: What the listing's buttons do to a thread draft.
VERBS = ("check", "export")
#: Every listing button's action_id matches this (its value is the draft's id).
SHARED_ACTION_ID = re.compile(rf"^{SHARED_ACTION_PREFIX}({'|'.join(VERBS)})$")
#: Drafts listed in one message (three blocks each; a message holds at most 50).
MAX_LISTED = 12
TITLE_LIMIT = 200


def where(draft: DraftOverview, lang: str) -> str:
    """Which thread the draft belongs to, as mrkdwn (Slack shows the channel's name)."""
    found = thread_of(draft.place or "")
    if found is None:
        return escape(text(lang, "shared_somewhere"))
    channel, thread_ts = found
    started = f"<!date^{int(float(thread_ts))}^{{date_num}} {{time}}|{escape(thread_ts)}>"
    return text(lang, "shared_where", channel=f"<#{channel}>", at=started)


def shared_blocks(draft: DraftOverview, lang: str, verbs: Sequence[str]) -> list[Block]:
    meta = f"{where(draft, lang)} · {state_line(draft, lang)}"
    return [
        section(draft.title or "—"),
        context(mrkdwn(meta)),
        {"type": "actions", "block_id": f"declbot_shared_draft_{draft.id}", "elements": [
            button(text(lang, f"shared_{verb}"), f"{SHARED_ACTION_PREFIX}{verb}", str(draft.id))
            for verb in verbs
        ]},
    ]


def shared_listing(drafts: Sequence[DraftOverview], lang: str, verbs: Sequence[str] = VERBS) -> Message | None:
    """One message listing the thread drafts (None when there are none)."""
    shared = [d for d in drafts if d.place is not None]
    if not shared:
        return None
    head = text(lang, "shared_head", n=len(shared))
    blocks: list[Block] = [section(head)]
    for draft in shared[:MAX_LISTED]:
        blocks += shared_blocks(draft, lang, verbs)
    if len(shared) > MAX_LISTED:
        blocks.append(context(plain(text(lang, "shared_more", n=len(shared) - MAX_LISTED))))
    return Message(fallback(head), blocks)


def result_heading(title: str, lang: str) -> str:
    """The line before a thread draft's report or workbook in the DM."""
    return text(lang, "shared_result", title=clip(title, TITLE_LIMIT))
