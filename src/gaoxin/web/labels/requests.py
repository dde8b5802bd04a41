"""English for the 企业诉求 flow's data shown on the pages: categories, urgencies, deadline and escalation
titles, intake channels, and the departments a zone usually dispatches to (承办部门 is free text: a
department not listed here stays as entered)."""

EN = {
    # [choices] of flows/builtin/enterprise-request.toml
    "用地": "Land",
    "用工": "Labour",
    "融资": "Financing",
    "政策兑现": "Policy payments",
    "审批": "Approvals",
    "水电气": "Utilities",
    "一般": "Normal",
    "紧急": "Urgent",
    "特急": "Very urgent",
    # deadlines and escalation levels
    "响应（签收核实）": "Respond (accept and verify)",
    "答复": "Reply",
    "办结": "Resolve",
    "回访": "Call back",
    "催办": "Reminder",
    "通报": "Public notice",
    # intake channels
    "电话": "Phone",
    "12345热线": "12345 hotline",
    "企业服务平台": "Enterprise service platform",
    "走访": "Visit",
    # departments (承办部门 / 责任单位)
    "自然资源和规划局": "Natural Resources and Planning Bureau",
    "人力资源和社会保障局": "Human Resources and Social Security Bureau",
    "地方金融服务中心": "Local Financial Services Centre",
    "经济发展局": "Economic Development Bureau",
    "行政审批局": "Administrative Approval Bureau",
    "供电公司": "Power supply company",
    "综合执法局": "Comprehensive Law Enforcement Bureau",
    "发展和改革局": "Development and Reform Bureau",
    "发展改革局": "Development and Reform Bureau",
    "科技局": "Science and Technology Bureau",
    "住房和城乡建设局": "Housing and Urban-Rural Development Bureau",
    "财政局": "Finance Bureau",
    "商务局": "Commerce Bureau",
    "统计局": "Statistics Bureau",
    "税务局": "Tax Bureau",
}
