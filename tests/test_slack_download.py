"""Downloading a shared file: the token stays on Slack's host, sizes are capped, login pages
are refused."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from handlers.download import DownloadError, download
from tests.fake_slack import BOT_TOKEN, FakeSlack

XLSX = b"PK\x03\x04" + b"\0" * 2000


def fetch(slack: FakeSlack, url: str, *, size: int | None = None, max_bytes: int = 5 << 20,
          token: str = BOT_TOKEN) -> bytes:
    return download(url, token=token, allowed={("http", urlsplit(slack.origin).netloc)},
                    max_bytes=max_bytes, size=size)


def test_a_workbook_is_fetched_with_the_bot_token(slack: FakeSlack) -> None:
    file = slack.host_file("表.xlsx", XLSX)
    assert fetch(slack, file["url_private_download"]) == XLSX
    assert slack.files[file["id"]].fetches == [{"authorization": f"Bearer {BOT_TOKEN}"}]


def test_another_host_gets_no_request(slack: FakeSlack) -> None:
    with pytest.raises(DownloadError) as e:
        fetch(slack, "https://files.example.com/F1/表.xlsx")
    assert e.value.reason == "host"
    with pytest.raises(DownloadError) as e:
        fetch(slack, "")
    assert e.value.reason == "no_url"


def test_a_redirect_off_slack_is_not_followed(slack: FakeSlack) -> None:
    target = slack.host_file("elsewhere.xlsx", XLSX)
    away = slack.host_file("表.xlsx", b"", redirect="http://localhost:1/steal")
    with pytest.raises(DownloadError) as e:
        fetch(slack, away["url_private_download"])
    assert e.value.reason == "redirect"
    same_host = slack.host_file("表.xlsx", b"", redirect=target["url_private_download"])
    assert fetch(slack, same_host["url_private_download"]) == XLSX


def test_sizes_are_capped_before_and_while_reading(slack: FakeSlack) -> None:
    file = slack.host_file("表.xlsx", XLSX)
    with pytest.raises(DownloadError) as e:
        fetch(slack, file["url_private_download"], size=6 << 20)
    assert e.value.reason == "too_large" and slack.files[file["id"]].fetches == []
    with pytest.raises(DownloadError) as e:  # Slack said it was small; it was not
        fetch(slack, file["url_private_download"], size=10, max_bytes=1000)
    assert e.value.reason == "too_large"


def test_a_login_page_is_not_a_workbook(slack: FakeSlack) -> None:
    page = slack.host_file("表.xlsx", XLSX, login_page=True)
    with pytest.raises(DownloadError) as e:
        fetch(slack, page["url_private_download"])
    assert e.value.reason == "html"
    html_as_octets = slack.host_file("表.xlsx", b"\n  <!DOCTYPE html><html></html>", content_type="application/octet-stream")
    with pytest.raises(DownloadError) as e:
        fetch(slack, html_as_octets["url_private_download"])
    assert e.value.reason == "html"
    with pytest.raises(DownloadError) as e:  # no token: Slack answers with its login page
        fetch(slack, slack.host_file("表.xlsx", XLSX)["url_private_download"], token="xoxb-wrong")
    assert e.value.reason == "html"


def test_http_and_network_failures(slack: FakeSlack) -> None:
    with pytest.raises(DownloadError) as e:
        fetch(slack, f"{slack.origin}/files/F99999999/download/gone.xlsx")
    assert (e.value.reason, e.value.detail) == ("http", "404")
    with pytest.raises(DownloadError) as e:
        download("http://127.0.0.1:1/x.xlsx", token=BOT_TOKEN, allowed={("http", "127.0.0.1:1")},
                 max_bytes=100, timeout=2)
    assert e.value.reason == "network"
