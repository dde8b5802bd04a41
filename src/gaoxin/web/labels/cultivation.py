"""English labels of the 企业培育 pages beyond the gap texts (those are translated by
`gaoxin.evaluations.cultivation.english`): the verdicts `explain` names (types.VERDICT_LABELS) and the
科技局 source of the innovation data."""

EN = {
    "符合条件": "Meets the conditions",
    "差一项": "One condition short",
    "待补数据": "Data needed",  # the verdict: nothing fails, a condition cannot be judged on the data
    "待补数据条件": "Conditions wanting data",
    "信息：内置认定办法不按人才计划人数设条件": "For information: the built-in rules set no condition on talent-programme members",
    "不参评": "Not evaluated",
    "科技/工信（企业创新能力）": "Science and technology / industry (innovation data)",  # fields.SOURCES["sci"]
}
