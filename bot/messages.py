"""Every user-facing message of the conversation, in Chinese (default) and English."""

from __future__ import annotations

LANGS = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # --- welcome, help, status -------------------------------------------------------------
    "welcome": (
        "你好！我是申报助手，帮你填写《部门整体预算绩效目标申报表》并生成正式表格。\n"
        "可以逐项回答问题，也可以直接粘贴表格内容或上传 .xlsx 文件。随时说「帮助」查看命令。",
        "Hello! I help you fill in the department budget performance target declaration and "
        "produce the official workbook.\nAnswer question by question, or paste the form or upload "
        "an .xlsx. Say 'help' at any time.",
    ),
    "help": (
        "可用命令（随时可说）：\n"
        "• 帮助 — 显示本说明\n"
        "• 进度 — 已填和未填的部分\n"
        "• 表格完整吗？ — 检查表格，列出错误和警告\n"
        "• 跳过 — 跳过当前问题　• 返回 — 回到上一个问题　• 撤销 — 撤回上一次修改\n"
        "• 修改 <项目> — 如「修改 基本支出」「修改 任务2」「修改 质量指标」，改完回到原处\n"
        "• 查看 — 查看草稿　• 导出 — 生成正式 Excel 表格\n"
        "• 新建 — 新草稿　• 草稿 — 我的草稿　• 切换 <编号> — 换一份草稿\n"
        "• 取消 — 取消当前操作　• 继续 — 接着填写　• 语言 English — 切换语言\n"
        "也可以直接粘贴整张表格，或上传 .xlsx 文件。",
        "Commands (any time):\n"
        "• help — this text\n"
        "• status — what is done and what is left\n"
        "• is my form complete? — check the form: errors and warnings\n"
        "• skip — skip this question  • back — previous question  • undo — revert the last change\n"
        "• edit <item> — e.g. 'edit 基本支出', 'edit task 2', 'edit 质量指标'; then back to where you were\n"
        "• show — the draft  • export — the official Excel workbook\n"
        "• new — a new draft  • drafts — my drafts  • switch <n> — another draft\n"
        "• cancel — cancel the current action  • continue — go on filling  • lang zh — 中文\n"
        "You can also paste the whole form or upload an .xlsx file.",
    ),
    "lang_set": ("已切换为中文。", "Language set to English."),
    "lang_unknown": ("请说「语言 中文」或「语言 English」。", "Say 'lang zh' or 'lang en'."),
    "status_head": ("填写进度（{draft}）：", "Progress ({draft}):"),
    "status_next": ("下一步：{where}", "Next: {where}"),
    "status_done_all": ("各部分都已填写。说「表格完整吗？」检查，或「导出」生成表格。",
                        "Every part is filled. Ask 'is my form complete?' or say 'export'."),
    "untitled": ("未命名草稿", "untitled draft"),
    # --- prompts ---------------------------------------------------------------------------
    "current": ("（当前：{value}）", "(now: {value})"),
    "ask_department": ("请填写部门名称（部门全称）。\n例如：广州市协作办公室",
                       "The department name (full name)?\ne.g. 广州市协作办公室"),
    "ask_year": ("预算年度（可选）。\n例如：2025　　不填请说「跳过」。",
                 "Budget year (optional)?\ne.g. 2025. Say 'skip' to leave it empty."),
    "ask_budget": (
        "{label}（单位：万元，保留两位小数；没有请填 0）。\n例如：4,381.54 或 43,815,400元 或 2.75亿\n"
        "也可以一次填多项：基本支出 4381.54，项目支出 270769.27",
        "{label} (in 万元 = 10,000 yuan, two decimals; 0 if none)?\ne.g. 4,381.54 or 43,815,400元 "
        "or 2.75亿\nSeveral at once also works: 基本支出 4381.54，项目支出 270769.27",
    ),
    "ask_goal": (
        "总体绩效目标：分条写明本年度部门的总体目标。\n例如：1. 推动东西部协作工作走在全国前列；2. ……",
        "Overall performance goal: the department's goals for the year, numbered.\n"
        "e.g. 1. 推动东西部协作工作走在全国前列；2. …",
    ),
    "ask_task_name": ("第 {n} 项重点工作任务的名称。\n例如：开展省内帮扶工作　　没有更多任务请说「跳过」。",
                      "Name of key task {n}?\ne.g. 开展省内帮扶工作. Say 'skip' if there are no more."),
    "ask_task_content": ("「{task}」的主要实施内容{row}。\n例如：推动省内乡村振兴驻镇帮镇扶村，帮扶梅州、湛江、清远市的重点镇。",
                         "Main content of '{task}'{row}?\ne.g. 推动省内乡村振兴驻镇帮镇扶村…"),
    "ask_task_amount": ("「{task}」{row}拟投入的资金（万元）。\n例如：234,657.50",
                        "Planned funds for '{task}'{row} (万元)?\ne.g. 234,657.50"),
    "ask_task_goal": ("「{task}」{row}期望达到的目标（概述，建议不超过250字）。\n例如：助力农民收入可持续增长……",
                      "Expected result of '{task}'{row} (summary, ideally under 250 characters)?"),
    "row_n": ("第 {n} 行", " row {n}"),
    "ask_task_more": ("「{task}」已记录 {rows} 行。接下来？", "'{task}' has {rows} row(s). Next?"),
    "choice_item": ("再加一行实施内容", "Another row for this task"),
    "choice_task": ("再加一项任务", "Another task"),
    "choice_tasks_done": ("任务填完了", "Tasks are done"),
    "ask_other": ("其他需完成的任务（可选填）。\n没有请说「跳过」。",
                  "Other tasks to complete (optional)?\nSay 'skip' if none."),
    "ask_ind_name": (
        "三级指标名称（{l2}）。\n例如：{example}\n本项不设指标请说「跳过」。",
        "Level-3 indicator name ({l2})?\ne.g. {example}\nSay 'skip' if there is none here.",
    ),
    "ask_ind_period": (
        "「{name}」的实施周期指标值。\n格式：比较符＋数值＋单位，如 ≥90%、≥78个、每年4月底前。",
        "Period value of '{name}'?\nFormat: comparator + number + unit, e.g. ≥90%, ≥78个, 每年4月底前.",
    ),
    "ask_ind_annual": (
        "「{name}」的年度指标值。与实施周期相同请说「同上」。",
        "Annual value of '{name}'? Say 'same' if it equals the period value.",
    ),
    "choice_same": ("同实施周期指标值", "Same as period value"),
    "ask_ind_more": ("{l2}已有 {rows} 项指标：{names}\n接下来？", "{l2} has {rows} indicator(s): {names}\nNext?"),
    "choice_another": ("再加一项", "Add another"),
    "choice_next_pair": ("下一个二级指标", "Next category"),
    "choice_skip": ("跳过", "Skip"),
    "choice_no_indicator": ("本项不设指标", "None here"),
    "done": ("所有部分都走完了。说「表格完整吗？」检查，或「导出」生成正式表格。",
             "That was the last part. Ask 'is my form complete?' or say 'export'."),
    "choice_check": ("检查表格", "Check the form"),
    "choice_export": ("导出表格", "Export"),
    # --- echoes and re-asks ----------------------------------------------------------------
    "saved": ("已记录：{label} = {value}", "Saved: {label} = {value}"),
    "saved_many": ("已记录：{items}", "Saved: {items}"),
    "matched": ("已记录：{name}（你输入的是「{typed}」）。说「撤销」可撤回。",
                "Saved: {name} (you typed '{typed}'). Say 'undo' to revert."),
    "ambiguous": ("「{typed}」可能是以下哪一个？也可以按原样保留。",
                  "Which one do you mean by '{typed}'? Or keep it as typed."),
    "keep_typed": ("按原样保留「{typed}」", "Keep '{typed}' as typed"),
    "skipped": ("已跳过。", "Skipped."),
    "empty_answer": ("请输入内容，或说「跳过」。", "Please type an answer, or say 'skip'."),
    "bad_amount": ("{reason} 请重新输入{label}（万元）。", "{reason} Please enter {label} again (万元)."),
    "negative_amount": ("金额不能为负数。", "An amount cannot be negative."),
    "too_many_decimals": ("金额最多两位小数（{value}）。", "At most two decimals ({value})."),
    "bad_year": ("「{text}」不是年份，请输入如 2025。", "'{text}' is not a year; e.g. 2025."),
    "bad_value": ("「{text}」无法作为指标值：{reason} 请重新输入。",
                  "'{text}' cannot be an indicator value: {reason} Please try again."),
    "reason_comparator": ("比较符有误（只用一个：≥、≤、＝、＞、＜）。",
                          "malformed comparator (use one of ≥ ≤ ＝ ＞ ＜)."),
    "reason_decimal": ("数字有两个小数点。", "a number has two decimal points."),
    "reason_number": ("数字无法识别。", "the number cannot be read."),
    "reason_over_100": ("{name}不可能超过100%。", "{name} cannot exceed 100%."),
    "reason_negative_pct": ("百分比不能为负数。", "a percentage cannot be negative."),
    "value_hint": ("提示：{hint}", "Hint: {hint}"),
    "nothing_to_skip": ("当前没有可以跳过的问题。", "Nothing to skip here."),
    # --- commands --------------------------------------------------------------------------
    "back_none": ("已经是第一个问题了。", "This is the first question."),
    "undo_none": ("没有可以撤销的修改。", "Nothing to undo."),
    "undone": ("已撤销：{items}", "Undone: {items}"),
    "edit_where": ("要修改哪一项？例如「修改 基本支出」「修改 任务2」「修改 质量指标」「修改 总体绩效目标」。",
                   "Edit what? e.g. 'edit 基本支出', 'edit task 2', 'edit 质量指标', 'edit 总体绩效目标'."),
    "edit_unknown": ("没有找到「{target}」。可以修改：部门名称、预算年度、预算金额各项、总体绩效目标、任务N、其他需完成的任务、一级/二级/三级指标名称。",
                     "Cannot find '{target}'. You can edit: department, year, each amount, overall goal, "
                     "task N, other tasks, indicator categories or names."),
    "edit_pick": ("「{target}」指哪一个？", "Which one is '{target}'?"),
    "edit_go": ("好的，修改「{where}」。改完后回到原来的位置。", "OK, editing '{where}'. Afterwards we go back."),
    "returned": ("回到刚才的位置。", "Back to where you were."),
    "cancelled": ("已取消。草稿已保存，说「继续」接着填写。", "Cancelled. The draft is kept; say 'continue' to go on."),
    "paused_hint": ("（已暂停；说「继续」接着填写，或「帮助」查看命令。）",
                    "(Paused; say 'continue' to go on, or 'help'.)"),
    "resumed": ("接着填写。", "Let's go on."),
    "new_draft": ("已新建草稿 {n}。", "New draft {n} started."),
    "drafts_head": ("你的草稿：", "Your drafts:"),
    "drafts_line": ("{n}. {title}（{progress}，更新于 {at}）{mark}", "{n}. {title} ({progress}, updated {at}){mark}"),
    "drafts_current": ("　← 当前", "  ← current"),
    "drafts_none": ("还没有草稿。", "No drafts yet."),
    "drafts_hint": ("说「切换 编号」换一份草稿，「新建」开始新草稿。", "Say 'switch N' or 'new'."),
    "switched": ("已切换到草稿 {n}：{title}", "Switched to draft {n}: {title}"),
    "switch_bad": ("没有编号为「{n}」的草稿。说「草稿」查看列表。", "No draft number '{n}'. Say 'drafts' for the list."),
    "not_your_draft": ("这份草稿不属于你。", "That draft is not yours."),
    "show_empty": ("草稿还是空的。", "The draft is empty."),
    "export_ok": ("已生成正式表格：{name}\n{summary}", "Workbook ready: {name}\n{summary}"),
    "export_with_errors": ("注意：仍有 {n} 个错误，已照常导出：\n{items}",
                           "Note: {n} errors remain; exported anyway:\n{items}"),
    "export_failed": ("无法导出：{reason}", "Cannot export: {reason}"),
    "report_offer": ("要去修改哪一项？", "Go and fix one of these?"),
    "goto": ("去修改：{where}", "Fix: {where}"),
    # --- paste and upload ------------------------------------------------------------------
    "import_ok": ("已读取{source}：{summary}", "Read {source}: {summary}"),
    "source_paste": ("粘贴的表格", "the pasted form"),
    "source_file": ("文件「{name}」", "file '{name}'"),
    "import_failed": ("无法读取{source}：{reason}\n草稿未改动。", "Cannot read {source}: {reason}\nThe draft is unchanged."),
    "replace_ask": ("当前草稿已有内容。用{source}替换它，还是另存为新草稿？",
                    "The current draft has content. Replace it with {source}, or keep both?"),
    "choice_replace": ("替换当前草稿", "Replace the draft"),
    "choice_new_draft": ("存为新草稿", "Save as a new draft"),
    "choice_cancel": ("取消", "Cancel"),
    "continue_offer": ("要接着填写缺少的部分吗？", "Continue with what is missing?"),
    "choice_continue": ("继续填写缺失项", "Fill in what is missing"),
    "replace_cancelled": ("已取消，草稿未改动。", "Cancelled; the draft is unchanged."),
    "file_unsupported": ("只能读取 .xlsx 工作簿、粘贴的表格文本或 .json。", "Only .xlsx, pasted text or .json can be read."),
    # --- failures --------------------------------------------------------------------------
    "store_unavailable": ("数据库暂时无法连接，刚才的内容没有保存，请稍后再发一次。",
                          "The database is unreachable right now; nothing was saved. Please try again shortly."),
    "internal_error": ("抱歉，处理时出错了，刚才的内容没有保存。请再试一次；如果问题持续，请联系管理员。",
                       "Sorry, something went wrong and nothing was saved. Please try again."),
}


def msg(lang: str, key: str, **values: object) -> str:
    zh, en = MESSAGES[key]
    template = en if lang == "en" else zh
    return template.format(**values) if values else template
