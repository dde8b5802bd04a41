"""English for the 招商项目 pages added with the 项目台账 import, the node Gantt, the investment curve and the
先承诺后审批 (告知承诺) pages."""

EN = {
    "上传项目台账": "Upload a project ledger",
    "导入项目台账": "Import a project ledger",
    "将入项目库的项目": "Projects that would enter the project book",
    "已入项目库的项目": "Projects entered into the project book",
    "投资曲线（累计，万元）": "Investment curve (cumulative, 10k yuan)",
    "招商局报送的项目台账（项目名称、投资主体、统一社会信用代码、所属镇街、签约日期、总投资、用地面积、投资强度、亩均税收、达产年份、重点项目）。金额可按万元或亿元、用地可按亩、公顷或平方米填报，导入时换算为万元和亩。先预览，确认无误后再导入；已在项目库的项目不会重复导入。": (
        "The project ledger the investment bureau sends (project name, investor, unified social credit code, town, "
        "signing date, total investment, land area, investment intensity, tax per mu, full-production year, key "
        "project). Money may be in 10k yuan or 100m yuan and land in mu, hectares or m²; the import converts them "
        "to 10k yuan and mu. Preview first, then import; projects already in the book are not imported twice."
    ),
    "浅蓝为计划，绿为按期完成，红为逾期完成或已逾期未完成，黄为进行中；未完成的节点画到今天。": (
        "Light blue: planned; green: done on time; red: done late or overdue; amber: in progress. Open nodes are "
        "drawn up to today."
    ),
    "签约后天数": "Days after signing",
    "节点甘特图（计划与实际，签约后天数）": "Node Gantt (planned vs actual, days after signing)",
    "项目看板": "Project board",
    "预览（未写入）": "Preview (nothing written)",
    "预览": "Preview",
    "计划": "Planned",
    "实际": "Actual",
    "累计计划投资": "Cumulative planned investment",
    "累计完成投资": "Cumulative completed investment",
    "累计资金到位": "Cumulative funds in place",
    "万元": "10k yuan",
}
EN["测算规则待确认"] = "projection rule awaiting confirmation"
EN["重点项目月度调度表"] = "Key projects monthly dispatch sheet"
EN.update(
    {
        "信用记录": "Credit entry",
        "先承诺后审批": "Approval on commitment",
        "告知承诺事项": "Commitments (approval on notice and commitment)",
        "国办发〔2020〕42号：告知承诺事项须明确核查时间、标准和方式；虚假承诺依法撤销并记入信用记录": (
            "State Council General Office 2020 No. 42: each commitment sets when, against what and how it is "
            "checked; a false commitment is revoked and entered in the credit record"
        ),
        "失信记录": "Dishonesty records",
        "承诺事项": "Commitment",
        "承诺内容": "What the firm committed to",
        "承诺条件核验": "Conditions checked",
        "提交": "Submit",
        "撤销时必填": "required to revoke",
        "撤销时间": "Revoked on",
        "暂无告知承诺事项（gaoxin commitments add 登记）": "No commitments yet (record one with gaoxin commitments add)",
        "核查方式": "Check method",
        "核查期限": "Check due",
        "核查结果": "Check result",
        "书面核查": "Written check",
        "网络核验": "Online verification",
        "实地调查": "On-site inspection",
        "公示核查": "Public notice check",
        "无数据": "No data",
        "待人工核查": "For the officer",
        "核查合格": "Verified",
        "责令整改": "Order remediation",
        "撤销审批": "Revoke",
    }
)
EN.update(
    {  # 登记线索 (templates lead_new.html, leads.html)
        "登记线索": "Enter a lead",
        "登记": "Enter",
        "只有管理员和招商局项目专员可以登记招商线索": "Only administrators and investment officers enter leads",
        "可后补": "can be added later",
        "拟落户镇街": "Intended town",
        "（不指定）": "(none)",
        "厂房需求（平方米）": "Factory space needed (m²)",
        "增资时的原项目编号": "Original project (for an expansion)",
        "下一步工作": "Next step",
        "下一步期限": "Next step due",
        "以商招商": "Referral by firms",
        "展会招商": "Trade fair",
        "驻点招商": "Resident office",
        "中介招商": "Agency",
        "基金招商": "Fund-led",
        "产业链招商": "Chain-led",
        "新签": "New",
        "增资": "Expansion",
    }
)
EN.update(
    {  # 登记告知承诺 (templates commitment_new.html, commitments.html)
        "登记告知承诺": "Record a commitment",
        "只有管理员和审批与核查专员可以登记告知承诺": "Only administrators and approval officers record commitments",
        "如：施工许可 告知承诺": "e.g. construction permit on commitment",
        "所属项目编号": "Project number",
        "承诺条件（每行一项；可按数据核验的写成「说明|指标|>=|数值|年度」）": "Conditions (one per line; one checked against the data as “text|indicator|>=|value|year”)",
        "暂无告知承诺事项": "No commitments yet",
    }
)
EN["核查材料"] = "Check evidence (files)"
