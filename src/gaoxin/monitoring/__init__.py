"""经济运行监测: monthly main indicators as the statistics bureau publishes them.

`cards` (indicator cards as data), `periods` (累计 ↔ 当月, 1–2月 合并), `targets` (完成率, 时序进度 as data,
growth targets), `alerts` (触警 / 优质 rules naming rule and figure), `contrib` (per-firm 拉动 on a
like-for-like set), `nowcast` (当月 growth from power and tax, back-tested, no look-ahead), `dashboard`
(everything a page, the CLI and the 简报 show for one month, read from `gaoxin.store.monitoring`).
"""
