"""Every user-facing message of the conversation, in Chinese (default) and English."""

from __future__ import annotations

LANGS = ("zh", "en")

_LABELLED_HINT_ZH = (
    "熟悉内容的话，可以一条消息写一整项，例如：\n"
    "• 部门名称：广州市XX局；预算年度：2026\n"
    "• 基本支出 1200，项目支出 3500.5，财政拨款 4700.5，其他资金 0 ……\n"
    "• 任务：XX工作；主要实施内容：……；资金：300；目标：……\n"
    "• 指标：产出指标›数量指标›培训人次；指标值：≥500人次"
)
_LABELLED_HINT_EN = (
    "If you know your content, type a whole item in one message, e.g.:\n"
    "• department: 广州市XX局; year: 2026\n"
    "• 基本支出 1200, 项目支出 3500.5, 财政拨款 4700.5, 其他资金 0 …\n"
    "• task: XX工作; content: …; funds: 300; goal: …\n"
    "• indicator: 产出指标›数量指标›培训人次; value: ≥500人次"
)

MESSAGES: dict[str, tuple[str, str]] = {
    # --- welcome, help, status -------------------------------------------------------------
    "welcome": (
        "你好！我是申报助手，帮你填写《部门整体预算绩效目标申报表》并生成正式表格。\n"
        "可以逐项回答问题，也可以直接粘贴表格内容或上传 .xlsx 文件。随时说「帮助」查看命令。\n"
        + _LABELLED_HINT_ZH,
        "Hello! I help you fill in the department budget performance target declaration and "
        "produce the official workbook.\nAnswer question by question, or paste the form or upload "
        "an .xlsx. Say 'help' at any time.\n" + _LABELLED_HINT_EN,
    ),
    "greeting_again": ("你好！我们接着填。", "Hello! Let's go on."),
    "thanks_reply": ("不客气！我们接着填。", "You're welcome! Let's go on."),
    "help": (
        "可用命令（随时可说）：\n"
        "• 帮助 — 显示本说明\n"
        "• 进度 — 已填和未填的部分\n"
        "• 表格完整吗？ — 检查表格，列出错误和警告\n"
        "• 跳过 — 跳过当前问题　• 返回 — 回到上一个问题　• 撤销 — 撤回上一次修改\n"
        "• 修改 <项目> — 如「修改 基本支出」「修改 任务2」「修改 质量指标」，改完回到原处\n"
        "• 查看 — 查看草稿　• 导出 — 生成正式 Excel 表格\n"
        "• 新建 — 新草稿　• 草稿 — 草稿列表　• 切换 <编号> — 换一份草稿\n"
        "• 取消 — 取消当前操作　• 继续 — 接着填写　• 语言 English — 切换语言\n"
        "回答问题时输入选项前的数字即可选择。也可以直接粘贴整张表格，或上传 .xlsx 文件。\n"
        + _LABELLED_HINT_ZH,
        "Commands (any time):\n"
        "• help — this text\n"
        "• status — what is done and what is left\n"
        "• is my form complete? — check the form: errors and warnings\n"
        "• skip — skip this question  • back — previous question  • undo — revert the last change\n"
        "• edit <item> — e.g. 'edit 基本支出', 'edit task 2', 'edit 质量指标'; then back to where you were\n"
        "• show — the draft  • export — the official Excel workbook\n"
        "• new — a new draft  • drafts — the drafts  • switch <n> — another draft\n"
        "• cancel — cancel the current action  • continue — go on filling  • lang zh — 中文\n"
        "Type a choice's number to pick it. You can also paste the whole form or upload an .xlsx.\n"
        + _LABELLED_HINT_EN,
    ),
    "lang_set": ("已切换为中文（只影响你自己）。", "Language set to English (for you only)."),
    "lang_set_thread": (
        "已把你（<@{user}>）的语言切换为中文；此讨论串里其他人的语言不变，草稿内容也不变。",
        "Your language (<@{user}>) is now English; the others in this thread keep theirs, and the "
        "draft itself is unchanged.",
    ),
    "lang_unknown": ("请说「语言 中文」或「语言 English」。", "Say 'lang zh' or 'lang en'."),
    "status_head": ("填写进度（{draft}）：", "Progress ({draft}):"),
    "status_next": ("下一步：{where}", "Next: {where}"),
    "status_missing": ("还缺：{items}", "Still missing: {items}"),
    "status_errors": ("{n} 个错误", "{n} errors"),
    "status_done_all": ("各部分都已填写。说「表格完整吗？」检查，或「导出」生成表格。",
                        "Every part is filled. Ask 'is my form complete?' or say 'export'."),
    "untitled": ("未命名草稿", "untitled draft"),
    # --- questions ---------------------------------------------------------------------------
    "current": ("（当前：{value}）", "(now: {value})"),
    "ask_department": ("请填写部门名称（部门全称）。\n例如：广州市XX局",
                       "The department name (full name)?\ne.g. 广州市XX局"),
    "ask_year": ("预算年度（可选）。\n例如：2026　　不填请说「跳过」。",
                 "Budget year (optional)?\ne.g. 2026. Say 'skip' to leave it empty."),
    "ask_budget": (
        "{label}（单位：万元；没有请填 0）。\n例如：4,381.54 或 ¥43,815,400 或 2.75亿\n"
        "也可以一次填多项：基本支出 4381.54，项目支出 270769.27",
        "{label} (in 万元 = 10,000 yuan; 0 if none)?\ne.g. 4,381.54 or ¥43,815,400 or 3 million yuan\n"
        "Several at once also works: 基本支出 4381.54, 项目支出 270769.27",
    ),
    "ask_goal": (
        "总体绩效目标：分条写明本年度部门的总体目标。\n例如：1. 完成……；2. 提升……；3. ……",
        "Overall performance goal: the department's goals for the year, numbered.\n"
        "e.g. 1. 完成……；2. 提升……",
    ),
    "ask_task_name": (
        "第 {n} 项重点工作任务的名称。　没有更多任务请说「跳过」。\n"
        "也可以一条消息写全：任务：名称；主要实施内容：……；资金：……；目标：……",
        "Name of key task {n}? Say 'skip' if there are no more.\n"
        "Or all at once: task: name; content: …; funds: …; goal: …",
    ),
    "ask_task_content": ("「{task}」的主要实施内容{row}。\n例如：组织开展XX工作，覆盖全市XX个单位。",
                         "Main content of '{task}'{row}?\ne.g. 组织开展XX工作，覆盖全市XX个单位。"),
    "ask_task_amount": ("「{task}」{row}拟投入的资金（万元）。\n例如：1,250.00",
                        "Planned funds for '{task}'{row} (万元)?\ne.g. 1,250.00"),
    "ask_task_goal": ("「{task}」{row}期望达到的目标（概述，建议不超过250字）。",
                      "Expected result of '{task}'{row} (summary, ideally under 250 characters)?"),
    "row_n": ("第 {n} 行", " row {n}"),
    "ask_task_more": ("「{task}」已记录 {rows} 行。接下来？", "'{task}' has {rows} row(s). Next?"),
    "ask_other": ("其他需完成的任务（可选填）。\n没有请说「跳过」。",
                  "Other tasks to complete (optional)?\nSay 'skip' if none."),
    "ask_ind_name": (
        "三级指标名称（{l2}）。\n{example}\n本项不设指标请说「跳过」。也可以一条写全：名称：≥数值单位",
        "Level-3 indicator name ({l2})?\n{example}\nSay 'skip' if there is none here. "
        "Or all at once: name: ≥value unit",
    ),
    "example_names": ("例如：{names}", "e.g. {names}"),
    "example_none": ("请写具体、可考核的指标名称。", "Name a specific, measurable indicator."),
    "ask_ind_period": (
        "「{name}」的实施周期指标值。\n格式：比较符＋数值＋单位，如 ≥90%、≥78个、每年4月底前。",
        "Period value of '{name}'?\nFormat: comparator + number + unit, e.g. ≥90%, ≥78个, 每年4月底前.",
    ),
    "ask_ind_annual": (
        "「{name}」的{value_label}。与实施周期相同请说「同上」。",
        "The {value_label} of '{name}'? Say 'same' if it equals the period value.",
    ),
    "ask_ind_single": (
        "「{name}」的指标值。\n格式：比较符＋数值＋单位，如 ≥90%、≥78个、每年4月底前。",
        "Value of '{name}'?\nFormat: comparator + number + unit, e.g. ≥90%, ≥78个, 每年4月底前.",
    ),
    "rest_none": ("「其余」：预算整体情况的金额都已填写，未改动。", "'The rest': every amount is filled in already; nothing changed."),
    "same_nothing": ("这里没有可沿用的上一项，未记录。", "There is nothing above to repeat here; nothing was saved."),
    "ask_count": ("{label}（基本信息，可选）。例如：120　不填请说「跳过」。",
                  "{label} (basic information, optional)? e.g. 120. Say 'skip' to leave it empty."),
    "bad_count": ("「{text}」不是人数或个数（0 或正整数，如 120）。", "'{text}' is not a count (0 or a whole number, e.g. 120)."),
    "ask_ind_more": ("{l2}已有 {rows} 项指标：{names}\n接下来？", "{l2} has {rows} indicator(s): {names}\nNext?"),
    "done": ("所有部分都走完了。说「表格完整吗？」检查，或「导出」生成正式表格。",
             "That was the last part. Ask 'is my form complete?' or say 'export'."),
    # --- choices -----------------------------------------------------------------------------
    "choice_item": ("再加一行实施内容", "Another row for this task"),
    "choice_task": ("再加一项任务", "Another task"),
    "choice_tasks_done": ("任务填完了", "Tasks are done"),
    "choice_same": ("同实施周期指标值", "Same as period value"),
    "choice_another": ("再加一项", "Add another"),
    "choice_next_pair": ("下一个二级指标", "Next category"),
    "choice_skip": ("跳过", "Skip"),
    "choice_no_indicator": ("本项不设指标", "None here"),
    "choice_check": ("检查表格", "Check the form"),
    "choice_export": ("导出表格", "Export"),
    "choice_fix": ("改为「{value}」", "Change to '{value}'"),
    "choice_form": ("用表单填写", "Fill in a form"),
    "choice_yes_keep": ("是，记录", "Yes, record it"),
    "choice_no_retype": ("不是，重新输入", "No, retype"),
    "choice_replace": ("替换当前草稿", "Replace the draft"),
    "choice_merge": ("只填入空白项", "Fill only what is empty"),
    "choice_new_draft": ("存为新草稿", "Save as a new draft"),
    "choice_cancel": ("取消", "Cancel"),
    "choice_continue": ("继续填写缺失项", "Fill in what is missing"),
    # --- echoes and re-asks ------------------------------------------------------------------
    "saved": ("已记录：{label} = {value}", "Saved: {label} = {value}"),
    "recorded_head": ("已记录：", "Recorded:"),
    "value_note": ("注意：{note}", "Note: {note}"),
    "matched": ("已记录：{name}（你输入的是「{typed}」）。说「撤销」可撤回。",
                "Saved: {name} (you typed '{typed}'). Say 'undo' to revert."),
    "name_matched": ("{name}（你输入的是「{typed}」）", "{name} (you typed '{typed}')"),
    "ambiguous": ("「{typed}」可能是以下哪一个？也可以按原样保留。",
                  "Which one do you mean by '{typed}'? Or keep it as typed."),
    "keep_typed": ("按原样保留「{typed}」", "Keep '{typed}' as typed"),
    "skipped": ("已跳过。", "Skipped."),
    "returned": ("回到刚才的位置。", "Back to where you were."),
    "not_taken": ("未记录：{reason}\n请重新输入。", "Not saved: {reason}\nPlease try again."),
    "item_not_taken": ("未记录「{label}」（{text}）：{reason}", "Not saved, '{label}' ({text}): {reason}"),
    "unplaced": ("没有记录（不知道放在哪一栏）：「{text}」", "Not saved (no field for it): '{text}'"),
    "empty_answer": ("内容为空。", "The answer is empty."),
    "too_long": ("{label}太长（{n} 字，最多 {max} 字）。", "The {label} is too long ({n} characters, at most {max})."),
    "not_a_department": ("「{text}」不像是部门名称，请输入部门全称，如「广州市XX局」。",
                         "'{text}' does not look like a department name; type its full name, e.g. 广州市XX局."),
    "department_is_title": ("「{text}」是表格的标题，不是部门名称。确定要记为部门名称吗？",
                            "'{text}' is the form's title, not a department. Record it as the department anyway?"),
    "department_is_question": ("「{text}」像是一个问题。确定要记为部门名称吗？",
                               "'{text}' looks like a question. Record it as the department name anyway?"),
    "bad_year": ("「{text}」不是年份（2000–2100），如 2026。", "'{text}' is not a year (2000–2100), e.g. 2026."),
    "bad_amount_generic": ("「{text}」不是金额。", "'{text}' is not an amount."),
    "not_a_task_name": ("「{text}」像是金额或指标值，不是任务名称。", "'{text}' looks like an amount or a value, not a task name."),
    "not_an_indicator_name": ("「{text}」像是指标值，不是三级指标名称。请先输入指标名称。",
                              "'{text}' looks like a value, not an indicator name. Type the name first."),
    "done_typed": (
        "所有部分都已填写，「{text}」没有对应的问题，未记录。要修改某一项请说「修改 …」，"
        "或一条消息写明标签（如「基本支出：100」）。",
        "Every part is filled; '{text}' answers no question, so nothing was saved. Say 'edit …' "
        "to change something, or type it with its label (e.g. 基本支出: 100).",
    ),
    "choose_please": ("「{text}」不是这里的选项，未记录。请从下面选一项（输入数字即可）。",
                      "'{text}' is not one of the choices; nothing was saved. Pick one below (type its number)."),
    "no_such_task": ("没有第 {n} 项任务（现有 {count} 项），未记录。", "There is no task {n} (there are {count}); nothing saved."),
    "no_such_row": ("这项任务没有第 {n} 行（现有 {count} 行），未记录。", "That task has no row {n} (it has {count}); nothing saved."),
    "which_task": ("不知道「{text}」属于哪一项任务，未记录。请写明任务，如「任务2 内容：……」或「任务：名称；内容：……」。",
                   "Which task is '{text}' for? Nothing saved. Name it, e.g. 'task 2 content: …' or 'task: name; content: …'."),
    "task_needs_name": ("新任务还没有名称。", "The new task has no name yet."),
    "which_indicator": ("不知道「{text}」是哪个指标的，未记录。请写明指标名称，如「指标：名称；指标值：……」。",
                        "Which indicator is '{text}' for? Nothing saved. Name it, e.g. 'indicator: name; value: …'."),
    "unknown_level": ("不认识的{level}「{text}」，未记录该指标。", "Unknown {level} '{text}'; the indicator was not saved."),
    "level2_missing": ("「{name}」属于{l1}下的哪个二级指标？（{names}）未记录。",
                       "Which level-2 of {l1} does '{name}' belong to? ({names}) Nothing saved."),
    "which_pair": ("「{name}」放在哪个一级 › 二级指标下？", "Where does '{name}' go (level 1 › level 2)?"),
    "fixed": ("已改为：{where} = {value}", "Changed: {where} = {value}"),
    "stale_choice": ("这个按钮所在的问题已经回答过了，没有再次记录。当前问题：", "That button belongs to a question already answered; nothing was recorded. The current question:"),
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
    "cancelled": ("已取消。草稿已保存，说「继续」接着填写。", "Cancelled. The draft is kept; say 'continue' to go on."),
    "resumed": ("接着填写。", "Let's go on."),
    "new_draft": ("已新建草稿 {n}。", "New draft {n} started."),
    "drafts_head": ("你的草稿：", "Your drafts:"),
    "drafts_head_thread": ("此讨论串的共享草稿（讨论串里每个人都可以编辑）：",
                           "This thread's shared drafts (everyone in the thread may edit them):"),
    "drafts_line": ("{n}. {title}（{progress}，更新于 {at}）{mark}", "{n}. {title} ({progress}, updated {at}){mark}"),
    "drafts_current": ("　← 当前", "  ← current"),
    "drafts_none": ("还没有草稿。", "No drafts yet."),
    "drafts_hint": ("说「切换 编号」换一份草稿，「新建」开始新草稿。", "Say 'switch N' or 'new'."),
    "progress_unchecked": ("未检查", "not checked"),
    "progress_checked": ("{errors} 个错误，{warnings} 个警告", "{errors} errors, {warnings} warnings"),
    "progress_stale": ("（检查后有改动）", " (changed since)"),
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
    "replace_ask": (
        "当前草稿已有内容，{source}会改动其中 {n} 项已填写的内容（如：{examples}）。怎么处理？",
        "The current draft has content; {source} would change {n} filled field(s) (e.g. {examples}). What now?",
    ),
    "replace_ask_plain": ("当前草稿已有内容。用{source}替换它，还是另存为新草稿？",
                          "The current draft has content. Replace it with {source}, or keep both?"),
    "merged": ("已把{source}中的 {n} 项填入空白处，已填写的内容未改动。", "Filled {n} empty field(s) from {source}; what was filled is unchanged."),
    "continue_offer": ("要接着填写缺少的部分吗？", "Continue with what is missing?"),
    "replace_cancelled": ("已取消，草稿未改动。", "Cancelled; the draft is unchanged."),
    "file_unsupported": ("只能读取 .xlsx 工作簿、粘贴的表格文本或 .json。", "Only .xlsx, pasted text or .json can be read."),
    # --- from last year's form -----------------------------------------------------------
    "choice_carry_start": ("以此为基础起草 {year} 年", "Start the {year} form from this"),
    "carry_nothing": ("当前草稿是空的，没有可以沿用的内容。请先上传或粘贴上年的表格。",
                      "The draft is empty: nothing to carry forward. Upload or paste last year's form first."),
    "carry_started": (
        "已以上年表格（{source}）为基础起草 {year} 年（草稿 {n}）：部门、任务和指标已复制，"
        "{values} 项金额和指标值标为「沿用上年」，逐项确认或修改即可。\n"
        "「同上」保留一项，「本部分不变」保留这一部分，「其余都不变」保留其余全部；说「撤销」可撤回。",
        "Drafted {year} from last year's form ({source}) as draft {n}: department, tasks and indicators "
        "copied; {values} amounts and values are marked 'taken over' until you confirm or change them.\n"
        "'same' keeps one, 'keep this section' a section, 'keep the rest' everything left; 'undo' reverts.",
    ),
    "choice_carry_years": ("把文字里的「{old}年」都改为「{new}年」（{n} 处）",
                           "Write {new}年 for {old}年 in the texts ({n})"),
    "carry_years_done": ("已把文字里的「{old}年」改为「{new}年」：{n} 处。", "Replaced {old}年 by {new}年 in the texts: {n}."),
    "ask_carry_amount": ("{label}：上年 {last} 万元（现为 {now}）。不变请说「同上」，或输入今年的金额。",
                         "{label}: last year {last} 万元 (now {now}). Say 'same', or type this year's amount."),
    "ask_carry_task": ("「{task}」（{rows} 行，上年拟投入 {last} 万元）今年还有吗？",
                       "'{task}' ({rows} row(s), last year {last} 万元): still there this year?"),
    "ask_carry_indicator": (
        "「{name}」上年：实施周期 {period}；年度 {annual}。不变请说「同上」，或输入今年的指标值"
        "（两栏相同），或「实施周期：…；年度：…」。",
        "'{name}' last year: period {period}; annual {annual}. Say 'same', or type this year's value "
        "(both columns), or 'period: …; annual: …'.",
    ),
    "ask_carry_new": ("上年的内容都过了一遍。今年还要新增任务或指标吗？",
                      "Everything from last year has been through. Anything new this year?"),
    "choice_carry_same": ("同上（不变）", "Same as last year"),
    "choice_carry_section": ("本部分不变", "Keep this section"),
    "choice_carry_all": ("其余都不变", "Keep the rest"),
    "choice_carry_keep_task": ("保留，不变", "Keep it as it was"),
    "choice_carry_amount": ("改资金", "Change its funds"),
    "choice_carry_text": ("改内容", "Change its text"),
    "choice_carry_drop": ("删除此任务", "Drop the task"),
    "choice_carry_drop_indicator": ("删除此指标", "Drop the indicator"),
    "choice_new_task": ("新增任务", "A new task"),
    "choice_new_indicator": ("新增指标", "A new indicator"),
    "choice_no_new": ("没有了", "Nothing new"),
    "carry_kept": ("已确认沿用上年：{where}", "Kept as last year: {where}"),
    "carry_kept_section": ("已确认「{section}」其余 {n} 项沿用上年。", "Kept {n} value(s) of {section} as last year."),
    "carry_kept_all": ("已确认其余 {n} 项全部沿用上年。", "Kept the other {n} value(s) as last year."),
    "carry_task_kept": ("「{task}」保留，资金沿用上年。", "'{task}' kept, with last year's funds."),
    "carry_task_dropped": ("已删除任务「{task}」（说「撤销」可恢复）。", "Dropped the task '{task}' (say 'undo' to restore it)."),
    "carry_task_text": ("要改「{task}」的内容，请直接发送，如「任务{n} 内容：……」「任务{n} 目标：……」。",
                        "To change '{task}', type it, e.g. 'task {n} content: …', 'task {n} goal: …'."),
    "carry_indicator_dropped": ("已删除指标「{name}」（说「撤销」可恢复）。", "Dropped the indicator '{name}' (say 'undo' to restore it)."),
    "carry_done": ("上年的内容都确认过了。说「表格完整吗？」检查（会与上年对比），或「导出」。",
                   "Everything from last year is confirmed. Ask 'is my form complete?' (compared with last year) or 'export'."),
    "carry_lower": ("注意：目标低于上年（{last}）。请说明原因，或恢复上年目标。",
                    "Note: the target is lower than last year's ({last}). Give the reason, or keep last year's."),
    "choice_explain": ("说明原因", "Give the reason"),
    "carry_explain_ask": ("请写明目标低于上年的原因（一条消息）。", "Type the reason the target is lower (one message)."),
    "carry_explained": ("已记录原因。", "Reason recorded."),
    "history_head": ("「{draft}」的修改记录（最近的在前）：", "Changes of '{draft}' (most recent first):"),
    "history_none": ("还没有修改记录。", "No changes yet."),
    "history_carry": ("{at} {who}：以上年表格为基础起草（金额和指标值沿用上年）", "{at} {who}: drafted from last year's form (amounts and values taken over)"),
    "history_confirm": ("{at} {who}：确认沿用上年 {n} 项：{items}", "{at} {who}: kept {n} value(s) as last year: {items}"),
    "history_change": ("{at} {who}：{items}", "{at} {who}: {items}"),
    "history_row_added": ("新增{kind}「{name}」", "added {kind} '{name}'"),
    "history_row_removed": ("删除{kind}「{name}」", "removed {kind} '{name}'"),
    "row_kind_task": ("年度重点工作任务", "key task"),
    "row_kind_item": ("主要实施内容", "task line"),
    "row_kind_indicator": ("绩效指标", "indicator"),
    "history_undo": ("{at} {who}：撤销了一次修改", "{at} {who}: undid a change"),
    # --- a whole row in a form (bot.row_entry) --------------------------------------------------
    "row_saved": ("已记录（表单）：{where}", "Saved (form): {where}"),
    "row_level1_unknown": ("请选择一级指标。", "Choose a level-1 indicator."),
    "row_level2_not_under": ("「{l2}」不是「{l1}」下的二级指标；{l1}下有：{names}。",
                             "'{l2}' is not a level-2 indicator of '{l1}'; it has: {names}."),
    "row_name_taken": ("「{name}」已经在 {l1} › {l2} 里了（第 {n} 项）；要修改它，请在那一项上打开表单。",
                       "'{name}' is already in {l1} › {l2} (item {n}); open the form on that item to change it."),
    "row_name_ambiguous": ("「{typed}」不是指标库里的名称，已按你写的记录；库中相近的有：{names}。",
                           "'{typed}' is not a library name; saved as you wrote it. Close ones: {names}."),
    "row_gone": ("这一行已经不在草稿里了（可能被撤销或替换），表单没有保存。",
                 "This row is no longer in the draft (undone or replaced?); the form was not saved."),
    "row_already_saved": ("这张表单已经保存过了。", "This form was saved already."),
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
