"""Files through Slack: a shared workbook in (downloaded safely), the finished workbook out
(files_upload_v2 into the same DM or thread)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient

from bot.types import Attachment, Reply
from handlers.download import DownloadError, download
from handlers.outbox import SLACK_FAILURES, failure_reason, post_reply
from handlers.places import Place
from handlers.settings import Settings
from handlers.texts import text

log = logging.getLogger(__name__)


class FileProblem(Exception):
    """A shared file that cannot be read; ``message`` is for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def file_name(file: Mapping[str, Any]) -> str:
    return str(file.get("name") or file.get("title") or file.get("id") or "file")


def described(client: WebClient, file: Mapping[str, Any], lang: str) -> Mapping[str, Any]:
    """The file as Slack describes it. A file shared from another organisation (Slack Connect)
    arrives with little more than its id and ``"file_access": "check_file_info"``: files.info
    tells the rest (its download address among it)."""
    if file.get("url_private_download") or not file.get("id"):
        return file
    try:
        info = client.files_info(file=str(file["id"])).get("file")
    except SLACK_FAILURES as e:
        log.warning("files.info for %s failed: %s", file.get("id"), e)
        raise FileProblem(text(lang, "file_info", name=file_name(file), detail=failure_reason(e))) from None
    return info if isinstance(info, Mapping) else file


def fetch(settings: Settings, client: WebClient, file: Mapping[str, Any], token: str, lang: str) -> Attachment:
    """The shared file as an engine attachment; :class:`FileProblem` when it cannot be had."""
    file = described(client, file, lang)
    name = file_name(file)
    size = file.get("size")
    try:
        data = download(
            str(file.get("url_private_download") or ""),
            token=token,
            allowed=settings.file_origins,
            max_bytes=settings.max_file_bytes,
            size=size if isinstance(size, int) else None,
        )
    except DownloadError as e:
        log.warning("file %s not downloaded: %s", file.get("id"), e)
        raise FileProblem(text(lang, f"file_{e.reason}", name=name, detail=e.detail,
                               limit=settings.max_file_bytes >> 20)) from None
    return Attachment(name, data)


def send_file(client: WebClient, place: Place, reply: Reply, lang: str) -> None:
    """Upload the reply's workbook, then post the reply itself (which file it is, what is
    still open, any buttons) as a message: text from the engine is never put in mrkdwn, and an
    upload's comment is mrkdwn. If the upload fails, the person is told."""
    assert reply.file is not None
    try:
        client.files_upload_v2(
            channel=place.channel,
            thread_ts=place.thread_ts,
            file=reply.file.data,
            filename=reply.file.name,
            title=reply.file.title or reply.file.name,
        )
    except SLACK_FAILURES as e:
        log.error("upload of %s to %s failed: %s", reply.file.name, place.channel, e)
        failed = text(lang, "upload_failed", name=reply.file.name, error=failure_reason(e))
        post_reply(client, place, Reply(f"{reply.text}\n\n{failed}", reply.choices), lambda: lang)
        return
    post_reply(client, place, Reply(reply.text, reply.choices), lambda: lang)
