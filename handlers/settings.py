"""The Slack app's configuration, read from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Slack's Web API, used when SLACK_API_URL is not set.
SLACK_API_URL = "https://slack.com/api/"
#: Where Slack serves the files people upload (url_private_download).
SLACK_FILE_ORIGIN = ("https", "files.slack.com")
#: The largest upload that is downloaded and read.
MAX_FILE_BYTES = 5 << 20


class SettingsError(ValueError):
    """The environment does not configure a usable Slack app."""


@dataclass(frozen=True)
class Settings:
    """Slack credentials and where things are.

    ``api_url`` is the Web API base URL (Slack's unless SLACK_API_URL points elsewhere, as the
    tests do); ``database_url`` None means the store's own default (DATABASE_URL or SQLite).
    """

    bot_token: str
    signing_secret: str = ""
    app_token: str = ""
    api_url: str = SLACK_API_URL
    database_url: str | None = None
    max_file_bytes: int = MAX_FILE_BYTES
    listener_threads: int = 16

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        bot_token = env.get("SLACK_BOT_TOKEN", "").strip()
        if not bot_token:
            raise SettingsError("SLACK_BOT_TOKEN is not set (the bot token, xoxb-…)")
        return cls(
            bot_token=bot_token,
            signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
            app_token=env.get("SLACK_APP_TOKEN", "").strip(),
            api_url=normalise_api_url(env.get("SLACK_API_URL", "").strip() or SLACK_API_URL),
            database_url=env.get("DATABASE_URL", "").strip() or None,
        )

    @property
    def socket_mode_available(self) -> bool:
        return bool(self.app_token)

    def require_http(self) -> None:
        """Raise unless HTTP mode can verify requests."""
        if not self.signing_secret:
            raise SettingsError("SLACK_SIGNING_SECRET is not set: HTTP mode must verify requests")

    def require_socket_mode(self) -> None:
        if not self.app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN must be an app-level token (xapp-…) for Socket Mode")

    @property
    def file_origins(self) -> frozenset[tuple[str, str]]:
        """(scheme, host[:port]) pairs a file may be downloaded from with the bot token."""
        origins = {SLACK_FILE_ORIGIN}
        if self.api_url != SLACK_API_URL:
            parts = urlsplit(self.api_url)
            origins.add((parts.scheme, parts.netloc.lower()))
        return frozenset(origins)


def normalise_api_url(url: str) -> str:
    """The base URL with a trailing slash: the SDK joins method names onto it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"SLACK_API_URL is not an http(s) URL: {url!r}")
    return url if url.endswith("/") else url + "/"
