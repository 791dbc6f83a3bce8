"""What the Slack front end itself says (the engine's own messages live in bot.messages)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- files in ----------------------------------------------------------------------------
    "file_no_url": ("无法下载文件「{name}」：Slack 没有给出下载地址。请重新上传。",
                    "Cannot download '{name}': Slack gave no download address. Please upload it again."),
    "file_host": ("没有下载文件「{name}」：它不在 Slack 的文件服务器上。",
                  "Did not download '{name}': it is not on Slack's file server."),
    "file_redirect": ("没有下载文件「{name}」：下载地址转到了 Slack 以外的网站。",
                      "Did not download '{name}': its address redirected away from Slack."),
    "file_too_large": ("文件「{name}」太大（上限 {limit} MB），没有读取。",
                       "'{name}' is too large (limit {limit} MB); it was not read."),
    "file_html": ("Slack 返回了网页而不是文件「{name}」（应用可能缺少 files:read 权限）。草稿未改动。",
                  "Slack returned a web page instead of '{name}' (the app may lack the files:read "
                  "scope). The draft is unchanged."),
    "file_http": ("下载文件「{name}」失败（HTTP {detail}）。请稍后再上传一次。",
                  "Downloading '{name}' failed (HTTP {detail}). Please upload it again later."),
    "file_network": ("下载文件「{name}」失败（{detail}）。请稍后再上传一次。",
                     "Downloading '{name}' failed ({detail}). Please upload it again later."),
    "file_info": ("无法从 Slack 取得文件「{name}」的下载信息（{detail}），请稍后再上传一次。",
                  "Could not get the details of '{name}' from Slack ({detail}); please upload it "
                  "again later."),
    "file_one_at_a_time": ("一次只读取一个文件，已读取「{name}」。",
                           "One file at a time: read '{name}'."),
    # --- replies out -------------------------------------------------------------------------
    "upload_failed": ("表格「{name}」已生成，但上传到 Slack 失败（{error}）。请稍后说「导出」再试一次。",
                      "The workbook '{name}' is ready but uploading it to Slack failed ({error}). "
                      "Say 'export' again later."),
    # The turn was applied before its reply was posted: sending the message again would
    # answer the next question with it, so the person is pointed at 「进度」 instead.
    "post_failed": ("抱歉，回复没能完整发出（Slack 出错：{error}）。你刚才的消息可能已经记下了："
                    "请先说「进度」看看，不要直接重发。",
                    "Sorry, the reply could not be sent in full (Slack error: {error}). Your message "
                    "may already have been recorded: say 'status' to check before sending it again."),
    # A reply too long for one message: a summary, then its parts, and the whole as a file.
    "long_in_thread": ("内容较长：其余 {n} 部分发在这条消息的讨论串里，全文另附文件「{file}」。",
                       "This is long: the other {n} parts are in this message's thread, and the whole "
                       "text is attached as '{file}'."),
    "long_below": ("内容较长：其余 {n} 部分接着发在下面，全文另附文件「{file}」。",
                   "This is long: the other {n} parts follow below, and the whole text is attached "
                   "as '{file}'."),
    "long_file": ("declbot-全文.txt", "declbot-full-text.txt"),
    "long_file_failed": ("全文文件没能上传（{error}），内容都已分条发出。",
                         "The whole-text file could not be uploaded ({error}); all of it was sent in "
                         "the messages."),
    # --- old buttons --------------------------------------------------------------------------
    "choice_stale": ("这个问题已经回答过了，按钮不再有效。", "This question was already answered; its buttons no longer work."),
    # --- a whole row in a modal -------------------------------------------------------------
    "form_title_item": ("年度重点工作任务", "Key task"),
    "form_title_indicator": ("绩效指标", "Indicator"),
    "form_submit": ("保存", "Save"),
    "form_close": ("取消", "Cancel"),
    "form_choose": ("请选择", "Choose"),
    "form_library": ("指标库中这一类的名称：{names}", "Library names of this category: {names}"),
    "form_library_none": ("指标库中没有这一类的名称，请自己填写。", "The library has no names for this category; write your own."),
    "form_library_pick": ("选好一级和二级指标后，这里列出指标库中的名称。",
                          "Choose the level-1 and level-2 indicators to see the library's names here."),
    "form_annual_hint": ("留空：与实施周期指标值相同。", "Leave empty: the same as the period value."),
    "form_amount_hint": ("单位：万元，例如 120.5", "In 万元, e.g. 120.5"),
    "form_too_long": ("「{label}」有 {n} 字，表单里最多放 {max} 字：这里不显示，保存时保持原样（要改请在对话中修改）。",
                      "'{label}' has {n} characters, more than a form holds ({max}): not shown here, and kept as "
                      "it is when saved (change it in the chat)."),
    "form_failed": ("表单没能打开（Slack 出错：{error}），请再点一次按钮。",
                    "The form could not be opened (Slack error: {error}); please click the button again."),
    "form_expired": ("这张表单已失效，请关闭后重新打开。", "This form is no longer valid; close it and open it again."),
    "form_edit": ("用表单修改：{where}", "Edit in a form: {where}"),
    # --- edits and deletions ---------------------------------------------------------------
    "edit_not_taken": ("修改消息不会被采用：我处理的是原来的「{original}」，它仍然有效。要更改回答，请直接发送新的回答；"
                       "要撤回，请说「撤销」。",
                       "Edits are not taken: I acted on the original '{original}', and it stands. To change "
                       "an answer, send the new one; to take it back, say 'undo'."),
    "deletion_not_taken": ("删除消息不会撤回已记录的回答；要撤回请说「撤销」。（删除的是「{original}」）",
                           "Deleting a message does not withdraw the recorded answer; to take it back, say "
                           "'undo'. (Deleted: '{original}')"),
    "edit_no_text": ("没有文字的消息", "a message without text"),
    # --- slash command -----------------------------------------------------------------------
    "command_usage": ("用法：/declbot new（新建草稿）| status（进度）| drafts（草稿列表）| check（检查）| export（导出表格）"
                      "| help（帮助）",
                      "Usage: /declbot new | status | drafts | check | export | help"),
    "command_replied": ("已在与 declbot 的私信中回复你。", "I replied in your direct messages with declbot."),
    "command_failed": ("无法打开与你的私信（{error}），请稍后再试。",
                       "Could not open a direct message with you ({error}); please try again later."),
    # --- thread drafts, from /declbot --------------------------------------------------------
    "shared_head": ("你参与过的讨论串里还有 {n} 份共享草稿（讨论串里每个人都可以编辑，在讨论串里继续填写）：",
                    "{n} shared drafts of threads you took part in (everyone in the thread may edit "
                    "them; go on filling them in the thread):"),
    "shared_where": ("{channel} 中 {at} 开始的讨论串", "the thread in {channel} started {at}"),
    "shared_somewhere": ("讨论串", "a thread"),
    "shared_more": ("还有 {n} 份较早的共享草稿没有列出。", "{n} older shared drafts not listed."),
    "shared_check": ("检查", "Check"),
    "shared_export": ("导出表格", "Export"),
    "shared_result": ("讨论串的共享草稿「{title}」：", "The thread's shared draft '{title}':"),
    # --- App Home ----------------------------------------------------------------------------
    "home_title": ("我的申报表草稿", "My declaration drafts"),
    "home_intro": ("在「消息」标签页里和我对话：逐项填写、粘贴表格或上传 .xlsx，说「帮助」查看命令。",
                   "Talk to me in the Messages tab: answer question by question, paste the form or "
                   "upload an .xlsx; say 'help' for the commands."),
    "home_none": ("还没有草稿。发一条私信给我，或使用 /declbot new 开始。",
                  "No drafts yet. Send me a direct message, or use /declbot new, to start."),
    "home_count": ("共 {n} 份草稿（最近修改的在前）。", "{n} drafts, most recently changed first."),
    "home_shared_title": ("讨论串中的共享草稿", "Shared drafts of threads"),
    "home_shared_count": ("你参与过的讨论串里有 {n} 份共享草稿（讨论串里每个人都可以编辑）。",
                          "{n} shared drafts of threads you took part in (everyone in the thread may edit them)."),
    "home_more": ("还有 {n} 份较早的草稿，说「草稿」查看全部。", "{n} older drafts not shown; say 'drafts' to list all."),
    "home_updated": ("更新于 {at}", "updated {at}"),
    "home_complete": ("✅ 表格完整", "✅ complete"),
    "home_incomplete": ("✏️ 尚不完整", "✏️ not complete"),
    "home_unchecked": ("🕓 修改后尚未检查", "🕓 not checked since it changed"),
    "home_counts": ("{error} 个错误，{warning} 个警告，{info} 个提示",
                    "{error} errors, {warning} warnings, {info} notes"),
    "home_continue": ("继续填写", "Continue"),
    "home_export": ("导出表格", "Export"),
    "home_new": ("新建草稿", "New draft"),
}


def text(lang: str, key: str, **values: object) -> str:
    zh, en = TEXTS[key]
    return (en if lang == "en" else zh).format(**values)
