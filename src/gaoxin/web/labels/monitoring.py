"""English labels of the 经济运行 pages added with 目标分解 (templates monitor.html)."""

EN = {
    "目标分解": "Targets assigned down",
    "责任单位对全区公布数负责；镇街目标按镇街内企业月度数据合计测算（增速为同口径企业）": "A responsible department answers for the zone's published figure; a town's target is measured on the sum of its firms' monthly data (growth on a like-for-like set of firms)",
    "责任单位/镇街": "Department / town",
    "完成率 / 累计同比": "Completion / YTD YoY",
    "超(欠)进度 / 与目标之差": "Ahead (behind) / gap to target",
    "测算依据": "Basis",
    "部门": "department",
    "增长": "growth",
    "同口径": "like-for-like",
    "家": "firms",
    "镇街内企业月度数据合计": "Sum of the town's firms' monthly data",
    "统计局公布的全区数": "The zone figure published by the statistics bureau",
    "本月没有可比的公布数": "No comparable published figure this month",
    "该指标没有企业月度数据，镇街目标无法按企业合计测算": "No firm-level monthly data for this indicator: a town target cannot be measured",
    "该镇街没有企业月度数据": "The town has no firm monthly data",
    "指标单位无法由企业数据换算": "The indicator's unit cannot be derived from firm data",
    "上年同期没有同口径企业数据，无法计算增速": "No like-for-like firm data a year earlier: growth cannot be computed",
}
