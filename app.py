"""declbot entry point: the command line (check, export, match, chat) and the Slack app (serve)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_sdk import WebClient

    from bot.store import Store
    from handlers.settings import Settings

USAGE_EXIT = 2


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return USAGE_EXIT


def _load(path: str, lang: str) -> Any:
    """The form in a file, or the one line that says why it cannot be read (exit 2)."""
    from form_model.importers import FormReadError, load_form

    try:
        return load_form(Path(path))
    except FormReadError as e:
        return _fail(f"declbot: {path}: {e.message if lang == 'zh' else e.message_en}")


def _write(form: Any, output: str | None, lang: str) -> Path | int:
    """The form's workbook written to ``output`` (or its standard name): the path, or the one
    line that says why not (exit 2)."""
    from form_model.exporter import ExportError, export_filename, write_form

    out = Path(output) if output else Path(export_filename(form))
    try:
        out.write_bytes(write_form(form))
    except ExportError as e:
        return _fail(f"declbot: {e}")
    except OSError as e:
        return _fail(f"declbot: 无法写入 {out}：{e.strerror}" if lang == "zh"
                     else f"declbot: cannot write {out}: {e.strerror}")
    return out


def cmd_check(args: argparse.Namespace) -> int:
    from form_model.checker import check
    from form_model.report_text import render_report

    form = _load(args.file, args.lang)
    if isinstance(form, int):
        return form
    base = None
    if getattr(args, "base", None):
        base = _load(args.base, args.lang)
        if isinstance(base, int):
            return base
    report = check(form, base=base)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_report(report, args.lang))
    return 0 if report.complete else 1


def cmd_export(args: argparse.Namespace) -> int:
    from form_model.checker import check
    from form_model.report_text import summary_line

    form = _load(args.file, args.lang)
    if isinstance(form, int):
        return form
    out = _write(form, args.output, args.lang)
    if isinstance(out, int):
        return out
    report = check(form)
    print(f"{out}  ({summary_line(report, args.lang)})")
    return 0


def cmd_carry_forward(args: argparse.Namespace) -> int:
    """This year's workbook from last year's: the same content, every amount and value marked
    「沿用上年」 (kept in the workbook), and a report of what still has to be confirmed."""
    from form_model.carry import carry_forward, replace_years, years_in_texts
    from form_model.checker import check
    from form_model.report_text import finding_line, summary_line

    zh = args.lang == "zh"
    last = _load(args.file, args.lang)
    if isinstance(last, int):
        return last
    if args.year is not None and not 2000 <= args.year <= 2100:
        return _fail("declbot: --year 应在 2000–2100 之间" if zh else "declbot: --year must be 2000–2100")
    form = carry_forward(last, args.year)
    old_year = last.year if last.year is not None else form.year - 1
    mentions = years_in_texts(form, old_year)
    replaced = 0
    if args.replace_years and mentions:
        form, replaced = replace_years(form, old_year, form.year)
    out = _write(form, args.output, args.lang)
    if isinstance(out, int):
        return out
    report = check(form, base=last)
    lines = [f"{out}：{form.year} 年草稿，以 {args.file} 为基础" if zh
             else f"{out}: a {form.year} draft from {args.file}"]
    lines.append(f"沿用上年、待确认：{len(form.carried)} 项（金额和指标值）" if zh
                 else f"Taken over from last year, to confirm: {len(form.carried)} amounts and values")
    lines += ["  " + finding_line(f, args.lang).split("\n")[0] for f in report.findings if f.code == "Y06"]
    if replaced:
        lines.append(f"文字中的「{old_year}年」已改为「{form.year}年」：{replaced} 处" if zh
                     else f"'{old_year}年' in the texts replaced by '{form.year}年': {replaced}")
    elif mentions:
        n = sum(m.count for m in mentions)
        lines.append(f"文字中有 {n} 处「{old_year}年」；加 --replace-years 一并改为「{form.year}年」" if zh
                     else f"The texts name '{old_year}年' {n} times; add --replace-years to write '{form.year}年'")
    lines.append(summary_line(report, args.lang))
    print("\n".join(lines))
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    from form_model.matching import match, parse_column

    try:
        column = parse_column(args.column)
        result = match(args.text, column, level1=args.level1)
    except ValueError as e:
        return _fail(f"declbot: {e}")
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(render_match(result, args.lang))
    return 0


def render_match(result, lang: str) -> str:  # type: ignore[no-untyped-def]
    from form_model.matching import Decision

    head = {
        ("zh", Decision.CERTAIN): f"「{result.query}」→ {result.name}",
        ("zh", Decision.AMBIGUOUS): f"「{result.query}」不确定，可能是：",
        ("zh", Decision.UNKNOWN): f"「{result.query}」不是{result.column}标准名称。",
        ("en", Decision.CERTAIN): f"'{result.query}' → {result.name}",
        ("en", Decision.AMBIGUOUS): f"'{result.query}' is ambiguous; it may be:",
        ("en", Decision.UNKNOWN): f"'{result.query}' is not a standard {result.column} name.",
    }[(lang, result.decision)]
    lines = [head]
    shown = result.candidates if result.decision != "certain" else result.candidates[:1]
    for c in shown:
        place = " › ".join(p for p in (c.level1, c.level2) if p and p != c.name)
        extra = f"  ({place})" if place else ""
        lines.append(f"  {c.name}  {c.score:.0f}{extra}")
    return "\n".join(lines)


def cmd_chat(args: argparse.Namespace) -> int:
    import getpass

    from bot.engine import Engine, warm_up
    from bot.store import Store, StoreUnavailable
    from bot.terminal import run_chat

    try:
        store = Store(args.database)
    except StoreUnavailable as e:
        return _fail(f"declbot: 数据库无法连接 database unreachable: {e}")
    except ValueError as e:
        return _fail(f"declbot: {e}")
    user = args.user or getpass.getuser() or "local"
    warm_up()  # a long-lived process: build the matchers once, keep them out of the collector's way
    try:
        return run_chat(Engine(store), user, Path(args.out))
    finally:
        store.close()


def slack_configured() -> bool:
    return bool(os.environ.get("SLACK_BOT_TOKEN")) and bool(
        os.environ.get("SLACK_SIGNING_SECRET") or os.environ.get("SLACK_APP_TOKEN")
    )


def slack_client(settings: Settings) -> WebClient:
    """The Web API client: rate limits, server errors and dropped connections are retried."""
    from slack_sdk import WebClient
    from slack_sdk.http_retry.builtin_handlers import (
        ConnectionErrorRetryHandler,
        RateLimitErrorRetryHandler,
        ServerErrorRetryHandler,
    )

    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        timeout=30,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(settings: Settings, store: Store) -> App:
    """The Bolt app with every listener registered (its listeners run after the ack)."""
    from concurrent.futures import ThreadPoolExecutor

    from slack_bolt import App

    from bot.engine import warm_up
    from handlers import Deps, register_all

    app = App(
        name="declbot",
        client=slack_client(settings),
        signing_secret=settings.signing_secret,
        request_verification_enabled=False,  # handlers.server.flask_app verifies each request
        process_before_response=False,
        listener_executor=ThreadPoolExecutor(
            max_workers=settings.listener_threads, thread_name_prefix="declbot-listener"
        ),
    )
    register_all(app, Deps.build(settings, store))
    warm_up()
    return app


def cmd_serve(args: argparse.Namespace) -> int:
    """The Slack app: Socket Mode when SLACK_APP_TOKEN is set (unless --http), else HTTP."""
    from slack_sdk.errors import SlackApiError

    from bot.store import Store, StoreUnavailable
    from handlers.server import (
        DEFAULT_THREADS,
        flask_app,
        quiet_logging,
        serve_http,
        serve_socket_mode,
    )
    from handlers.settings import Settings, SettingsError

    quiet_logging()
    http = getattr(args, "http", False)
    try:
        settings = Settings.from_env()
        http = http or not settings.socket_mode_available
        if http:
            settings.require_http()
        else:
            settings.require_socket_mode()
        Store(settings.database_url).close()  # reachable; tables created once, before any worker
        slack_client(settings).auth_test()
    except SettingsError as e:
        return _fail(f"declbot serve: {e}")
    except (StoreUnavailable, ValueError) as e:
        return _fail(f"declbot serve: 数据库无法连接 database unreachable: {e}")
    except SlackApiError as e:
        return _fail(f"declbot serve: Slack 拒绝了 SLACK_BOT_TOKEN rejected: {e.response.get('error')}")
    except OSError as e:
        return _fail(f"declbot serve: Slack Web API unreachable ({settings.api_url}): {e}")
    if not http:
        return serve_socket_mode(build_app(settings, Store(settings.database_url)), settings.app_token)
    workers = getattr(args, "workers", 1)
    if workers < 1:
        return _fail("declbot serve: --workers must be at least 1")
    threads = getattr(args, "threads", None) or DEFAULT_THREADS
    pool = threads + settings.listener_threads  # a connection for every thread that may run a turn
    return serve_http(
        lambda: flask_app(build_app(settings, Store(settings.database_url, pool_size=pool)),
                          settings.signing_secret),
        host=getattr(args, "host", "0.0.0.0"),
        port=getattr(args, "port", None) or int(os.environ.get("PORT") or 3000),
        workers=workers,
        threads=threads,
    )


def cmd_run(args: argparse.Namespace) -> int:
    if slack_configured():
        return cmd_serve(args)
    args.user, args.database, args.out = None, None, "."
    return cmd_chat(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="declbot",
        description="申报助手：起草、检查并导出部门整体预算绩效目标申报表。",
    )
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of messages (zh)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="check a form (.xlsx, pasted .txt/.tsv, or .json)")
    c.add_argument("file")
    c.add_argument("--json", action="store_true", help="machine-readable report")
    c.add_argument("--base", metavar="LAST", help="last year's form: also compare with it (rules Y01–Y05)")
    c.set_defaults(func=cmd_check)

    cf = sub.add_parser("carry-forward", help="start this year's workbook from last year's form")
    cf.add_argument("file", help="last year's form (.xlsx, pasted .txt/.csv, or .json)")
    cf.add_argument("--year", type=int, help="the new form's year (default: last year's plus one)")
    cf.add_argument("--replace-years", action="store_true",
                    help="write the new year for last year's wherever the texts name it (「2025年」)")
    cf.add_argument("-o", "--output", help="output .xlsx (default: a name from department and year)")
    cf.set_defaults(func=cmd_carry_forward)

    e = sub.add_parser("export", help="write the official workbook from any input")
    e.add_argument("file")
    e.add_argument("-o", "--output", help="output .xlsx (default: a name from department and year)")
    e.set_defaults(func=cmd_export)

    m = sub.add_parser("match", help="find the standard name for a free-text indicator name")
    m.add_argument("text")
    m.add_argument("--column", default="三级", help="一级 | 二级 | 三级 (default 三级)")
    m.add_argument("--level1", help="restrict 二级/三级 candidates to this 一级")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_match)

    ch = sub.add_parser("chat", help="draft in the terminal (one turn per line; @FILE attaches)")
    ch.add_argument("--user", help="who is typing (default: the login name)")
    ch.add_argument("--database", help="SQLAlchemy URL (default: DATABASE_URL or ./declbot.sqlite3)")
    ch.add_argument("--out", default=".", help="folder for exported workbooks (default: .)")
    ch.set_defaults(func=cmd_chat)

    sv = sub.add_parser("serve", help="run the Slack app (Socket Mode if SLACK_APP_TOKEN, else HTTP)")
    sv.add_argument("--http", action="store_true", help="serve POST /slack/events over HTTP (gunicorn)")
    sv.add_argument("--host", default="0.0.0.0", help="HTTP address to listen on (0.0.0.0)")
    sv.add_argument("--port", type=int, help="HTTP port (default: PORT or 3000)")
    sv.add_argument("--workers", type=int, default=1, help="HTTP worker processes (1)")
    sv.add_argument("--threads", type=int, help="request threads per worker (8)")
    sv.set_defaults(func=cmd_serve)

    r = sub.add_parser("run", help="start the assistant (Slack if configured, else terminal chat)")
    r.set_defaults(func=cmd_run)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    for sp in parser._subparsers._group_actions[0].choices.values():  # type: ignore[union-attr]
        sp.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return USAGE_EXIT
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `declbot check … | head`: the reader stopped reading; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:  # a person never sees a traceback
        return _fail(f"declbot: 内部错误：{type(e).__name__}: {e}")


if __name__ == "__main__":
    sys.exit(main())
