"""Every fixed user-facing text of the flows, in Chinese and English.

Domain content (steps, questions, FAQ, rules) lives in ``knowledge/data``; this table holds
only the conversational glue. ``t(lang, key, **values)`` formats one entry.
"""

from __future__ import annotations

from flows.types import Lang

MESSAGES: dict[str, dict[str, str]] = {
    # --- welcome, language, help -------------------------------------------------------------
    "welcome": {
        "zh": "您好!我是贯标助手,陪您的企业按 GB/T 29490-2023《企业知识产权合规管理体系 要求》"
        "完成知识产权管理体系认证,并在拿证后提醒您按时内审、管评、监督审核和再认证。\n"
        "先花一分钟了解贵公司的情况。",
        "en": "Hello! I'm the IPMS certification assistant. I guide your company to certification of "
        "its IP management system under GB/T 29490-2023 (the standard certified today), and after "
        "that I remind you of internal audits, management reviews, surveillance audits and "
        "recertification.\nFirst, a minute to get to know your company.",
    },
    "welcome_back": {
        "zh": "欢迎回来,{company}!您的进度都已保存,当前阶段:{phase}。",
        "en": "Welcome back, {company}! Your progress is saved. Current phase: {phase}.",
    },
    "lang_choose": {
        "zh": "请选择语言 / Choose your language:",
        "en": "Choose your language / 请选择语言:",
    },
    "lang_set": {
        "zh": "好的,以后用中文和您交流。",
        "en": "OK, I'll talk to you in English from now on.",
    },
    "lang_switch_hint": {
        "zh": "随时发送 /lang 切换语言。",
        "en": "Send /lang any time to switch language.",
    },
    "help": {
        "zh": "我能做的:\n"
        "/next 下一步做什么\n/status 进度、准备度和近期日期\n/journey 认证全流程\n/plan 整改计划\n"
        "/reminders 即将到来的提醒\n/calendar 导出日历(.ics)\n/timezone、/reminderhour 提醒时区和时间\n/lang 切换语言\n"
        "/back 返回上一步  /cancel 取消当前输入\n/export 导出我的数据  /deletedata 删除我的数据\n"
        "也可以直接提问,例如“年审要准备什么”“内审员要证书吗”。",
        "en": "What I can do:\n"
        "/next what to do next\n/status progress, readiness and upcoming dates\n/journey the whole journey\n/plan your action plan\n"
        "/reminders what is coming\n/calendar calendar file (.ics)\n/timezone, /reminderhour when reminders arrive\n/lang switch language\n"
        "/back go back one step  /cancel cancel the current input\n"
        "/export export my data  /deletedata delete my data\n"
        'Or just ask, e.g. "what do we need for the surveillance audit?" or '
        '"do internal auditors need a certificate?"',
    },
    "cancelled": {
        "zh": "已取消当前输入,已保存的内容都还在。发送 /next 看下一步。",
        "en": "Cancelled the current input; everything saved is still there. Send /next for what's next.",
    },
    "nothing_to_cancel": {
        "zh": "当前没有进行中的输入。发送 /next 看下一步。",
        "en": "Nothing in progress to cancel. Send /next for what's next.",
    },
    "unknown_command": {
        "zh": "我不认识这个命令。发送 /help 查看可用命令。",
        "en": "I don't know that command. Send /help for the list.",
    },
    "stale_button": {
        "zh": "这个按钮来自较早的消息,已不再适用。这是您当前的步骤:",
        "en": "That button belongs to an earlier message and no longer applies. Here is where you are:",
    },
    "unsupported": {
        "zh": "我只能读文字消息。请直接输入问题,或发送 /next 看下一步。",
        "en": "I can only read text messages. Type your question, or send /next to see what's next.",
    },
    "too_long": {
        "zh": "这条消息太长了(最多 {limit} 字)。请简短地描述您的问题。",
        "en": "That message is too long (at most {limit} characters). Please ask in a shorter message.",
    },
    "edited": {
        "zh": "我不会处理已编辑的消息。如需更正,请重新发送。",
        "en": "I don't act on edited messages. To correct something, please send it again.",
    },
    "greeting": {
        "zh": "您好!发送 /next 看下一步,或直接向我提问。",
        "en": "Hi! Send /next to see what's next, or ask me anything about IPMS certification.",
    },
    "thanks": {"zh": "不客气!有问题随时问我。", "en": "You're welcome! Ask me any time."},
    "repeat_prompt": {"zh": "— 继续刚才的问题 —", "en": "— Back to where we were —"},
    # --- onboarding ----------------------------------------------------------------------
    "ask_name": {"zh": "贵公司的名称是?", "en": "What is your company's name?"},
    "ask_headcount": {
        "zh": "公司大约有多少员工?(输入数字,或点选)",
        "en": "About how many employees does the company have? (type a number or tap)",
    },
    "ask_industry": {
        "zh": "公司属于哪个行业?(点选或直接输入)",
        "en": "Which industry is the company in? (tap or type)",
    },
    "ask_sites": {
        "zh": "体系要覆盖几个经营场所(办公/生产地址)?",
        "en": "How many sites (office or production addresses) will the system cover?",
    },
    "ask_stage": {"zh": "贵公司目前处于哪个阶段?", "en": "Where does the company stand today?"},
    "ask_since": {
        "zh": "体系从哪天开始有记录地运行?请输入日期,如 2026-06-01。",
        "en": "Since which date has the system been running with records? Type a date like 2026-06-01.",
    },
    "ask_edition": {
        "zh": "证书是按哪个版本标准颁发的?",
        "en": "Which edition of the standard is the certificate issued against?",
    },
    "ask_cert_number": {"zh": "请输入证书编号。", "en": "Please type the certificate number."},
    "ask_cert_issued": {
        "zh": "证书的颁发日期(或认证决定日期)是?如 2025-12-04。",
        "en": "On what date was the certificate issued (or the certification decision made)? E.g. 2025-12-04.",
    },
    "ask_cert_expires": {
        "zh": "证书的到期日是?通常为颁发日起 {years} 年({default})。输入日期或点选。",
        "en": "When does the certificate expire? Usually {years} years after issue ({default}). "
        "Type a date or tap.",
    },
    "bad_name": {
        "zh": "请输入 1–120 个字的公司名称。",
        "en": "Please type a company name of 1–120 characters.",
    },
    "bad_number": {
        "zh": "请输入一个 1 到 {max} 之间的整数。",
        "en": "Please type a whole number between 1 and {max}.",
    },
    "bad_date_format": {
        "zh": "没看懂这个日期。请按“年-月-日”输入,例如 2026-03-15。",
        "en": "I couldn't read that date. Please type it as year-month-day, e.g. 2026-03-15.",
    },
    "bad_date_invalid": {
        "zh": "这个日期不存在(例如 2 月没有 30 日)。请再检查一下。",
        "en": "That date doesn't exist (February has no 30th, for example). Please check it.",
    },
    "date_in_future": {
        "zh": "这个日期在未来,但这里需要一个已经发生的日期。",
        "en": "That date is in the future, but this needs a date that has already happened.",
    },
    "date_in_past": {
        "zh": "这个日期已经过去,这里需要一个今天或以后的日期。",
        "en": "That date has passed; this needs today or a later date.",
    },
    "expiry_before_issue": {
        "zh": "到期日必须晚于颁发日。",
        "en": "The expiry date must be after the issue date.",
    },
    "onboarded": {
        "zh": "谢谢!{company} 的档案已建立。",
        "en": "Thank you! The profile of {company} is set up.",
    },
    "stage_phase": {
        "zh": "根据您的情况,我们从“{phase}”阶段开始。",
        "en": 'Based on that, we start in the phase "{phase}".',
    },
    "cert_2013": {
        "zh": "⚠️ GB/T 29490-2013 版证书的换版过渡期已于 2025-12-31 结束:未在此之前完成换版审核的证书"
        "应已被认证机构暂停或撤销。请尽快联系您的认证机构确认证书状态;如证书已失效,需要按 "
        "GB/T 29490-2023 重新申请认证。我会按 2023 版带您做差距评估。",
        "en": "⚠️ The transition for GB/T 29490-2013 certificates ended on 2025-12-31: certificates not "
        "converted by then should have been suspended or withdrawn by the certification body. Please "
        "contact your certification body now to confirm the status; if it is no longer valid you need "
        "to apply again under GB/T 29490-2023. I'll take you through a gap assessment against the 2023 "
        "edition.",
    },
    # --- assessment ------------------------------------------------------------------------
    "assess_intro": {
        "zh": "差距评估共 {n} 题,覆盖 GB/T 29490-2023 第 4–10 章。每题选“是/部分/否/不适用”,"
        "★ 表示申请前提或常见严重不符合项。可随时离开,回来后从原处继续。",
        "en": "The gap assessment has {n} questions covering chapters 4–10 of GB/T 29490-2023. Answer "
        "each with Yes / Partly / No / Not applicable; ★ marks application preconditions and frequent "
        "causes of major nonconformities. Leave any time and resume where you stopped.",
    },
    "assess_q": {
        "zh": "第 {i}/{n} 题 · 第 {chapter} 章{star}\n{text}\n条款:{clauses}",
        "en": "Question {i}/{n} · chapter {chapter}{star}\n{text}\nClauses: {clauses}",
    },
    "star": {"zh": " · ★ 关键项", "en": " · ★ show-stopper"},
    "answer_yes": {"zh": "是", "en": "Yes"},
    "answer_partly": {"zh": "部分", "en": "Partly"},
    "answer_no": {"zh": "否", "en": "No"},
    "answer_na": {"zh": "不适用", "en": "Not applicable"},
    "why": {"zh": "为什么重要?", "en": "Why does this matter?"},
    "why_text": {
        "zh": "💡 {qid} 为什么重要:{why}\n审核员会看:{evidence}",
        "en": "💡 Why {qid} matters: {why}\nAn auditor will look for: {evidence}",
    },
    "answered": {
        "zh": "{question}\n➡️ 您的回答:{answer}",
        "en": "{question}\n➡️ Your answer: {answer}",
    },
    "assess_done": {
        "zh": "✅ 差距评估完成!总体准备度 {overall}%。\n各章准备度:\n{chapters}\n"
        "差距 {gaps} 项,其中关键项 {stoppers} 项。",
        "en": "✅ Gap assessment complete! Overall readiness {overall}%.\nReadiness per chapter:\n"
        "{chapters}\n{gaps} gaps, of which {stoppers} show-stoppers.",
    },
    "top_gaps": {"zh": "最需要先解决的差距:\n{lines}", "en": "The gaps to close first:\n{lines}"},
    "make_plan": {"zh": "制定整改计划", "en": "Make my plan"},
    "retake": {"zh": "重新评估", "en": "Retake the assessment"},
    "continue_assess": {"zh": "继续评估", "en": "Continue the assessment"},
    "start_assess": {"zh": "开始差距评估", "en": "Start the gap assessment"},
    # --- plan ----------------------------------------------------------------------------
    "ask_target": {
        "zh": "您希望哪天前拿到证书?输入日期(如 2027-09-30)或点选。我会按规则倒排计划:"
        "体系至少运行 {months} 个月并有记录,申请前完成一次全面内审和管理评审。",
        "en": "By when would you like to be certified? Type a date (e.g. 2027-09-30) or tap. I'll schedule "
        "backwards under the rules: the system runs at least {months} months with records, and a full "
        "internal audit and a management review are done before applying.",
    },
    "in_months": {"zh": "{n} 个月后", "en": "In {n} months"},
    "target_too_early": {
        "zh": "⚠️ {target} 来不及:最早可行的认证日期约为 {earliest}(体系需运行 {months} 个月,"
        "内审和管评完成后申请,申请到发证通常还需约 {lead} 个月)。我已按 {earliest} 排计划。",
        "en": "⚠️ {target} is too early: the earliest realistic certification date is about {earliest} "
        "(the system must run {months} months, the internal audit and management review come before "
        "applying, and application to certificate typically takes about {lead} more months). I "
        "planned for {earliest}.",
    },
    "plan_made": {
        "zh": "📋 计划已生成:{n} 项行动,目标认证日期 {target}。关键日期:\n{milestones}",
        "en": "📋 Your plan is ready: {n} actions, target certification date {target}. Key dates:\n{milestones}",
    },
    "plan_header": {
        "zh": "📋 整改计划(目标认证日期 {target}):未完成 {open} 项,已完成 {done} 项。",
        "en": "📋 Action plan (target certification {target}): {open} open, {done} done.",
    },
    "plan_empty": {
        "zh": "还没有计划。先完成差距评估,我会把差距变成带负责人和期限的行动。",
        "en": "No plan yet. Complete the gap assessment first and I'll turn the gaps into actions "
        "with owners and due dates.",
    },
    "plan_line": {
        "zh": "{mark} {n}. {due} · {title} · {owner}{star}",
        "en": "{mark} {n}. {due} · {title} · {owner}{star}",
    },
    "plan_more": {
        "zh": "……另有 {n} 项,发送 /plan all 查看全部。",
        "en": "…and {n} more; send /plan all to see them all.",
    },
    "add_action": {"zh": "➕ 添加行动", "en": "➕ Add an action"},
    "ask_action_title": {"zh": "请输入新行动的内容。", "en": "Type what the new action is."},
    "ask_action_due": {
        "zh": "“{title}”的完成期限是?输入日期,如 2027-01-15。",
        "en": 'When is "{title}" due? Type a date like 2027-01-15.',
    },
    "action_added": {"zh": "已添加:{title}(期限 {due})。", "en": "Added: {title} (due {due})."},
    "action_done": {"zh": "✅ 已完成:{title}", "en": "✅ Done: {title}"},
    "action_reopened": {"zh": "↩️ 已重新打开:{title}", "en": "↩️ Reopened: {title}"},
    "action_new_date": {
        "zh": "“{title}”的新期限是?输入日期。",
        "en": 'What is the new due date for "{title}"? Type a date.',
    },
    "action_moved": {"zh": "📅 “{title}”期限改为 {due}。", "en": '📅 "{title}" is now due {due}.'},
    "bad_title": {
        "zh": "请输入 1–200 字的行动内容。",
        "en": "Please type an action of 1–200 characters.",
    },
    "owner_you": {"zh": "您", "en": "you"},
    "rule_operate": {"zh": "体系开始有记录地运行", "en": "Start running the system with records"},
    "rule_internal_audit": {
        "zh": "完成全面内审(覆盖全部条款和部门)",
        "en": "Complete a full-scope internal audit",
    },
    "rule_management_review": {
        "zh": "由最高管理者主持管理评审",
        "en": "Hold the management review (top management)",
    },
    "rule_apply": {
        "zh": "向认证机构提交认证申请",
        "en": "Submit the application to the certification body",
    },
    "role_ip_manager": {"zh": "知识产权管理人员", "en": "IP manager"},
    "role_top": {"zh": "最高管理者", "en": "Top management"},
    "role_auditor": {"zh": "内审员", "en": "Internal auditor"},
    # --- journey ---------------------------------------------------------------------------
    "step_view": {
        "zh": "【{phase} · {title}】\n{what}\n\n要做的事:\n{todo}\n\n审核员会要的记录:{records}\n"
        "条款:{clauses}\n\n清单({ticked}/{total}):",
        "en": "[{phase} · {title}]\n{what}\n\nWhat to do:\n{todo}\n\nRecords an auditor will ask for: "
        "{records}\nClauses: {clauses}\n\nChecklist ({ticked}/{total}):",
    },
    "journey_header": {
        "zh": "认证全流程(点击阶段查看步骤):",
        "en": "The whole journey (tap a phase to see its steps):",
    },
    "journey_btn": {"zh": "🗺 全流程", "en": "🗺 Journey"},
    "apply_blocked": {
        "zh": "⚠️ 申请认证前的硬性条件尚未满足:",
        "en": "⚠️ The hard preconditions for applying are not met yet:",
    },
    "blocker_operation": {
        "zh": "体系需有记录地运行满 {months} 个月(最早 {date})",
        "en": "the system must run {months} months with records (earliest {date})",
    },
    "blocker_internal_audit": {
        "zh": "尚未完成覆盖全部条款和部门的内审",
        "en": "no full-scope internal audit done yet",
    },
    "blocker_management_review": {"zh": "尚未完成管理评审", "en": "no management review done yet"},
    "timezone_show": {
        "zh": "提醒按时区 {tz} 在当地 {hour}:00 发送。修改:/timezone Europe/Berlin 或 /reminderhour 10。",
        "en": "Reminders go out at {hour}:00 local time in {tz}. Change with /timezone Europe/Berlin or /reminderhour 10.",
    },
    "timezone_set": {
        "zh": "好的:提醒将按时区 {tz} 在当地 {hour}:00 发送。",
        "en": "Done: reminders will go out at {hour}:00 local time in {tz}.",
    },
    "timezone_bad": {
        "zh": "不认识时区“{tz}”。请使用 IANA 名称,如 Asia/Shanghai、Europe/Berlin。",
        "en": 'I don\'t know the timezone "{tz}". Use an IANA name such as Asia/Shanghai or Europe/Berlin.',
    },
    "hour_bad": {
        "zh": "请给出 {lo} 到 {hi} 之间的整点(夜间不发提醒),当前为 {hour}:00。",
        "en": "Please give a whole hour from {lo} to {hi} (no reminders at night); it is now {hour}:00.",
    },
    "step_done_btn": {"zh": "✅ 本步骤完成", "en": "✅ Step done"},
    "step_done": {
        "zh": "✅ “{title}”已完成。下一步:{next}",
        "en": '✅ "{title}" is done. Next: {next}',
    },
    "step_not_ready": {
        "zh": "清单还有 {n} 项未勾选。确实已完成吗?",
        "en": "{n} checklist items are not ticked yet. Is the step really done?",
    },
    "step_force_done": {"zh": "是的,已完成", "en": "Yes, it's done"},
    "journey_done": {
        "zh": "🎉 所有步骤都已完成。我会继续提醒您监督审核、再认证和年度内审/管评。",
        "en": "🎉 Every step is done. I'll keep reminding you of surveillance audits, recertification "
        "and the yearly internal audit and management review.",
    },
    "enter_date_btn": {"zh": "📅 输入日期", "en": "📅 Enter the date"},
    "ask_event_date": {
        "zh": "请输入“{title}”的日期(已完成或计划的日期),如 2027-02-20。",
        "en": 'Please type the date of "{title}" (done or planned), e.g. 2027-02-20.',
    },
    "event_saved": {
        "zh": "📅 已记录:{title} {date}。我会按时提醒您。",
        "en": "📅 Saved: {title} on {date}. I'll remind you in time.",
    },
    "event_done": {"zh": "✅ 已标记完成:{title}", "en": "✅ Marked done: {title}"},
    "event_unknown": {
        "zh": "这个日期事项已不存在(可能已被修改)。",
        "en": "That dated item no longer exists (it may have been changed).",
    },
    "system_start_saved": {
        "zh": "📅 体系运行起始日:{date}。满 {months} 个月的日期是 {eligible}。",
        "en": "📅 System running since {date}. The {months}-month mark is {eligible}.",
    },
    "mark_done_btn": {"zh": "✅ 已完成", "en": "✅ Done"},
    "open_step": {"zh": "打开步骤", "en": "Open the step"},
    "show_plan": {"zh": "查看计划", "en": "Show the plan"},
    "cert_btn": {"zh": "📜 登记证书", "en": "📜 Record the certificate"},
    "cert_saved": {
        "zh": "📜 证书已登记:{number},{issued} 颁发,{expires} 到期。第一次监督审核须在 {surv} 前完成;"
        "再认证审核须在到期前完成。我会提前提醒。",
        "en": "📜 Certificate recorded: {number}, issued {issued}, expires {expires}. The first "
        "surveillance audit must happen by {surv}; the recertification audit must be completed "
        "before expiry. I'll remind you well ahead.",
    },
    "nc_add_btn": {"zh": "➕ 登记不符合项", "en": "➕ Record a nonconformity"},
    "ask_nc_text": {
        "zh": "请简要描述这个不符合项(审核报告中的描述)。",
        "en": "Briefly describe the nonconformity (as in the audit report).",
    },
    "ask_nc_grade": {
        "zh": "这是严重还是一般不符合?",
        "en": "Is it a major or a minor nonconformity?",
    },
    "nc_major": {"zh": "严重", "en": "Major"},
    "nc_minor": {"zh": "一般", "en": "Minor"},
    "nc_saved": {
        "zh": "已登记不符合项 {id}:纠正期限 {correction},证据提交期限 {evidence}(常见做法,"
        "以认证机构通知为准)。记得做原因分析和纠正措施。",
        "en": "Recorded nonconformity {id}: correction due {correction}, evidence due {evidence} "
        "(typical practice; your certification body's deadline prevails). Remember root cause and "
        "corrective action.",
    },
    "nc_line": {
        "zh": "{mark} {id} [{grade}] {text} · 证据期限 {evidence}",
        "en": "{mark} {id} [{grade}] {text} · evidence due {evidence}",
    },
    "nc_close_btn": {"zh": "✅ 关闭 {id}", "en": "✅ Close {id}"},
    "nc_closed": {"zh": "✅ 不符合项 {id} 已关闭。", "en": "✅ Nonconformity {id} closed."},
    "none_open_nc": {"zh": "没有未关闭的不符合项。", "en": "No open nonconformities."},
    # --- next / status ---------------------------------------------------------------------
    "next": {
        "zh": "👉 下一步:{what}\n为什么:{why}\n怎么做:{how}{by}",
        "en": "👉 Next: {what}\nWhy: {why}\nHow: {how}{by}",
    },
    "by": {"zh": "\n期限:{date}", "en": "\nBy: {date}"},
    "overdue_by": {
        "zh": "\n期限:{date}(已逾期 {days} 天)",
        "en": "\nBy: {date} (overdue by {days} days)",
    },
    "progress_line": {
        "zh": "进度:{bar} {pct}% · 阶段 {phase}",
        "en": "Progress: {bar} {pct}% · phase {phase}",
    },
    "status_header": {"zh": "📊 {company} 的进度", "en": "📊 Progress of {company}"},
    "status_readiness": {
        "zh": "差距评估:已答 {answered}/{total} 题,准备度 {pct}%",
        "en": "Gap assessment: {answered}/{total} answered, readiness {pct}%",
    },
    "status_actions": {
        "zh": "计划:未完成 {open} 项(逾期 {overdue} 项)",
        "en": "Plan: {open} open actions ({overdue} overdue)",
    },
    "status_dates": {"zh": "近期日期:\n{lines}", "en": "Upcoming dates:\n{lines}"},
    "status_no_dates": {"zh": "近期没有登记的日期。", "en": "No upcoming dates recorded."},
    "status_cert": {
        "zh": "证书:{number},{expires} 到期",
        "en": "Certificate: {number}, expires {expires}",
    },
    # --- FAQ -------------------------------------------------------------------------------
    "faq_clause": {"zh": "依据:{clauses}", "en": "Reference: {clauses}"},
    "faq_related": {"zh": "相关问题:", "en": "Related questions:"},
    "faq_suggest": {"zh": "您是想问下面哪一个?", "en": "Did you mean one of these?"},
    "faq_unknown": {
        "zh": "抱歉,这个问题超出了我掌握的知识范围,我不想乱猜。我能回答知识产权管理体系认证(贯标)"
        "相关的问题;发送 /help 看我能做什么,或 /next 继续您的认证进程。",
        "en": "Sorry, that's outside what I know, and I'd rather not guess. I can answer questions "
        "about IP management system certification (GB/T 29490); send /help to see what I can do, or "
        "/next to continue your journey.",
    },
    "faq_operator": {
        "zh": "如需人工帮助,可以联系 {contact}。",
        "en": "For a human answer you can contact {contact}.",
    },
    "forward_btn": {"zh": "📨 转给人工回答", "en": "📨 Ask a human"},
    "forwarded": {
        "zh": "已把您的问题转给我们的顾问,他们会尽快直接回复您。",
        "en": "I've passed your question to our adviser, who will reply to you directly.",
    },
    "need_onboarding": {
        "zh": "先完成公司信息登记吧,只需几个问题。",
        "en": "Let's finish setting up your company first; only a few questions.",
    },
    # --- data rights, admin, errors (used by bot.service) ----------------------------------------
    "export_caption": {
        "zh": "这是您保存在这里的全部数据(JSON)。",
        "en": "Here is all the data stored about you and your company (JSON).",
    },
    "delete_confirm": {
        "zh": "确定要删除您的全部数据吗?公司若没有其他成员,其档案、评估、计划和提醒也会一并删除,且无法恢复。",
        "en": "Delete all your data? If nobody else belongs to your company, its profile, assessment, "
        "plan and reminders are deleted too. This cannot be undone.",
    },
    "delete_yes": {"zh": "确定删除", "en": "Yes, delete"},
    "delete_no": {"zh": "取消", "en": "Cancel"},
    "deleted": {
        "zh": "您的数据已删除。如需重新开始,发送 /start。",
        "en": "Your data has been deleted. Send /start to begin again.",
    },
    "delete_cancelled": {"zh": "好的,什么都没删除。", "en": "OK, nothing was deleted."},
    "admin_only": {
        "zh": "此命令仅限管理员使用。",
        "en": "This command is for administrators only.",
    },
    "admin_stats": {
        "zh": "管理统计:用户 {users} 个,公司 {companies} 家,已获证 {certified} 家,待发提醒 {reminders} 条。",
        "en": "Admin stats: {users} users, {companies} companies, {certified} certified, "
        "{reminders} reminders planned.",
    },
    "error_generic": {
        "zh": "抱歉,出了点问题。您的进度已保存,请稍后再试,或发送 /next。",
        "en": "Sorry, something went wrong. Your progress is saved; please try again or send /next.",
    },
}


def t(lang: Lang, key: str, **values: object) -> str:
    text = MESSAGES[key][lang]
    return text.format(**values) if values else text
