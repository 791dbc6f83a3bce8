"""Downloading a file a person shared, safely.

The bot token goes only to Slack's file host (and, in tests, to the host of SLACK_API_URL);
redirects elsewhere are refused, not followed; the size is capped before and while reading;
an HTML page (Slack's login page, served with status 200 when the token or the files:read
scope is missing) is an error, not a workbook.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 20.0
_CHUNK = 64 << 10
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<!--")


class DownloadError(Exception):
    """Why a file could not be fetched. ``reason`` is one of: no_url, host, redirect,
    too_large, html, http, network."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def check_origin(url: str, allowed: Collection[tuple[str, str]]) -> None:
    if not url:
        raise DownloadError("no_url")
    if origin(url) not in allowed:
        raise DownloadError("host", urlsplit(url).netloc)


class _AllowedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an allowed origin: the token must not leave Slack."""

    def __init__(self, allowed: Collection[tuple[str, str]]) -> None:
        self.allowed = allowed

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> urllib.request.Request | None:
        if origin(newurl) not in self.allowed:
            raise DownloadError("redirect", urlsplit(newurl).netloc)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def looks_like_html(head: bytes) -> bool:
    return head.lstrip()[:16].lower().startswith(_HTML_STARTS)


def download(
    url: str,
    *,
    token: str,
    allowed: Collection[tuple[str, str]],
    max_bytes: int,
    size: int | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> bytes:
    """The file's bytes; :class:`DownloadError` for anything that is not a usable file.

    ``size`` is the size Slack reported for the file (checked before any request).
    """
    check_origin(url, allowed)
    if size is not None and size > max_bytes:
        raise DownloadError("too_large", str(size))
    opener = urllib.request.build_opener(_AllowedRedirects(allowed))
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with opener.open(request, timeout=timeout) as response:
            if response.headers.get_content_type() == "text/html":
                raise DownloadError("html")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise DownloadError("too_large", declared)
            data = _read_capped(response, max_bytes)
    except urllib.error.HTTPError as e:
        raise DownloadError("http", str(e.code)) from None
    except (urllib.error.URLError, OSError) as e:
        raise DownloadError("network", str(getattr(e, "reason", e))) from None
    if looks_like_html(data[:64]):
        raise DownloadError("html")
    return data


def _read_capped(response: Any, max_bytes: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = response.read(_CHUNK)
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > max_bytes:
            raise DownloadError("too_large", f">{max_bytes}")
        parts.append(chunk)
