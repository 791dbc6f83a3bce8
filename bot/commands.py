"""Recognising commands: exact words and phrasings only (small typos in English words),
so an answer is never taken for a command."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from form_model.normalize import nfkc

HELP = "help"
STATUS = "status"
CHECK = "check"
SKIP = "skip"
BACK = "back"
UNDO = "undo"
EDIT = "edit"
SHOW = "show"
EXPORT = "export"
NEW = "new"
DRAFTS = "drafts"
SWITCH = "switch"
CANCEL = "cancel"
CONTINUE = "continue"
LANG = "lang"
CARRY = "carry"
HISTORY = "history"

#: Whole-message words per command (compared after normalisation).
WORDS: dict[str, tuple[str, ...]] = {
    HELP: ("帮助", "help", "?", "命令", "怎么用", "使用说明", "commands"),
    STATUS: ("进度", "status", "progress", "填到哪了", "填到哪里了", "还剩什么"),
    SKIP: ("跳过", "skip", "略过", "pass", "跳过这题", "跳过此项"),
    BACK: ("返回", "上一步", "上一个", "上一题", "back", "previous", "go back"),
    UNDO: ("撤销", "撤消", "撤回", "undo"),
    SHOW: ("查看", "查看草稿", "show", "view", "看看草稿", "显示草稿", "show draft"),
    EXPORT: ("导出", "导出表格", "export", "下载", "生成表格", "download", "导出excel"),
    NEW: ("新建", "新草稿", "新建草稿", "new", "new draft"),
    DRAFTS: ("草稿", "我的草稿", "草稿列表", "drafts", "my drafts", "list drafts"),
    CANCEL: ("取消", "cancel", "算了", "退出", "quit", "stop"),
    CONTINUE: ("继续", "continue", "resume", "go on", "接着填", "继续填写"),
    CHECK: ("检查", "检查表格", "检查一下", "check", "核对", "校验"),
    HISTORY: ("历史", "修改记录", "历史记录", "改动记录", "history", "changes"),
}

_CHECK_PATTERNS = [
    re.compile(p)
    for p in (
        r"(这份|我的)?(表格|表|申报表|草稿)?(是否)?(填)?(完整|齐全|填完|写完)(了)?(吗|没有|么|嘛)?",
        r"(表格|表|申报表)?(还)?(缺|差|漏)(了)?(什么|哪些|啥)(吗)?",
        r"(帮我)?(检查|核对|看看)(一下)?(表格|申报表|草稿)?(有没有问题|对不对)?",
        r"(is|are)(my|the|this)?(form|draft|it)(complete|finished|done|ok)",
        r"ismyformcomplete",
        r"whats?(is)?missing",
        r"check(my|the)?(form|draft)?",
        r"anythingmissing",
    )
]
_SWITCH = re.compile(r"^(?:切换|switch|打开|open)(?:到)?(?:草稿)?\s*(?:第)?\s*(\d+)\s*(?:号|个)?$")
_EDIT = re.compile(r"^(?:修改|更改|编辑|edit|change)\s*(.*)$")
_LANG = re.compile(r"^(?:语言|lang|language)\s*(.*)$")
#: 「英文」, 「切换到英文」, 「请用中文」, "switch to English", "in english please".
_LANG_SWITCH = re.compile(
    r"^(?:请)?(?:切换到?|切到|改用|换成|换到|用|说|switch\s+to|in|use)?\s*(英文|英语|中文|english|chinese)"
    r"(?:回复|回答|界面|吧|please)?$"
)
#: 「以此为基础起草2027年」, 「沿用上年起草」, "carry forward 2027", "start next year's form".
_CARRY = re.compile(
    r"^(?:以此为基础|以上年为基础|照上年|沿用上年)(?:起草|做|填)\s*(?:(\d{4})\s*年?(?:度)?)?(?:的?表|草稿)?$"
    r"|^(?:carry\s*forward|start\s+next\s+year'?s?\s+form(?:\s+from\s+this)?)\s*(\d{4})?$"
)
_TRAILING = re.compile(r"[\s?？!！。.,，~～]+$")
_NON_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Command:
    name: str
    arg: str = ""


def normalise(text: str) -> str:
    s = nfkc(text).strip().casefold()
    return _TRAILING.sub("", s) or s


def _compact(text: str) -> str:
    return _NON_WORD.sub("", nfkc(text).casefold())


def _word_command(s: str) -> str | None:
    for name, words in WORDS.items():
        if s in words:
            return name
    # Small typos in English words of four letters or more ("hepl", "stauts").
    if s.isascii() and len(s) >= 4:
        for name, words in WORDS.items():
            for w in words:
                if w.isascii() and len(w) >= 4 and OSA.distance(s, w) <= 1:
                    return name
    return None


def parse_command(text: str) -> Command | None:
    """The command a whole message is, or None when it is an answer."""
    s = normalise(text)
    if not s or len(s) > 40:
        return None
    name = _word_command(s)
    if name:
        return Command(name)
    compact = _compact(s)
    if len(compact) <= 24 and any(p.fullmatch(compact) for p in _CHECK_PATTERNS):
        return Command(CHECK)
    m = _SWITCH.match(s)
    if m:
        return Command(SWITCH, m.group(1))
    m = _LANG.match(s)
    if m:
        return Command(LANG, m.group(1).strip())
    if s.startswith(("以此为基础", "以上年为基础", "照上年", "沿用上年", "carry", "start next year")):
        m = _CARRY.match(s)
        if m:
            return Command(CARRY, m.group(1) or m.group(2) or "")
    m = _LANG_SWITCH.match(s)
    if m:
        return Command(LANG, m.group(1))
    m = _EDIT.match(s)
    if m:
        return Command(EDIT, text.strip()[len(text.strip()) - len(m.group(1)):].strip() if m.group(1) else "")
    return None


def parse_lang(arg: str) -> str | None:
    s = normalise(arg)
    if s in ("en", "english", "英文", "英语", "eng"):
        return "en"
    if s in ("zh", "中文", "chinese", "汉语", "cn", "zh-cn", "简体中文"):
        return "zh"
    return None
