"""The overview's charts as a first user reads them: class labels that do not overlap (letter over name, names
translated on English pages), histogram end bins labelled as the open ranges they are (they hold the folded
top and bottom 1 %), and the run page's T row with its reasons."""

from __future__ import annotations

import numpy as np

from gaoxin.web import charts
from gaoxin.web.i18n import translate
from gaoxin.web.queries import histogram


def test_histogram_end_bins_are_open_ranges_holding_the_folded_tails():
    rng = np.random.default_rng(14)
    vals = np.concatenate([rng.uniform(10, 20, 1000), [-500.0, 900.0]])
    h = histogram(vals)
    assert sum(h["counts"]) == vals.size  # nothing dropped: the tails are folded in
    assert h["labels"][0].startswith("≤ ") and h["labels"][-1].startswith("≥ ")
    assert "–" in h["labels"][1] and "–" in h["labels"][-2]
    lo, hi = np.percentile(vals, [1, 99])
    assert h["folded"]["below"] == int((vals < lo).sum()) > 0
    assert h["folded"]["above"] == int((vals > hi).sum()) > 0
    # without tails beyond the percentiles (small n: min..max) the ends stay closed ranges
    small = histogram(np.array([1.0, 2.0, 3.0]))
    assert "–" in small["labels"][0] and "–" in small["labels"][-1]


def test_class_labels_letter_over_name_translated():
    names = {"A": "优先发展类", "B": "提升发展类", "T": "暂不评价类"}
    zh = charts.class_counts({"A": 3, "B": 2, "T": 1}, names, lambda t: t)
    assert zh["xAxis"]["data"] == ["A\n优先发展类", "B\n提升发展类", "T\n暂不评价类"]
    en = charts.class_counts({"A": 3}, names, lambda t: translate(t, "en"))
    assert en["xAxis"]["data"] == ["A\nPriority development"]


def test_run_page_t_row_and_reasons(clients, world, shared_app):
    from gaoxin.store import rows

    page = clients["ana"].get(f"/runs/{world.run_new}").text
    cur = shared_app.state.store.cursor()
    n_t = rows(
        cur, "SELECT count(*) FROM run_result WHERE run_id = ? AND class_final = 'T'", [world.run_new]
    )[0][0]
    t_row = page.split('id="t-row"')[1].split("</tr>")[0]
    assert f">{n_t}<" in t_row
    reasons = rows(
        cur,
        "SELECT reasons, count(*) FROM run_result WHERE run_id = ? AND class_final = 'T' GROUP BY 1 ORDER BY 2 DESC",
        [world.run_new],
    )
    table = page.split('id="t-reasons"')[1].split("</table>")[0]
    for reason, n in reasons:
        assert reason in table and f">{n}<" in table
    assert (
        ">list.规上.indicator" not in page and 'title="list.规上.indicator' in page
    )  # keys in tooltips only
    en = clients["ana"].get(f"/runs/{world.run_new}?lang=en").text
    clients["ana"].get("/runs?lang=zh")  # the language cookie: give the shared client back in Chinese
    assert "Priority development" in en and "Above scale" in en


def test_english_pages_show_units_in_english(clients, world):
    c = clients["vic"]
    try:
        en = c.get(f"/runs/{world.run_new}/ledger?lang=en").text
        table = en.split('id="ledger-by-class"')[1].split("</table>")[0]
        assert "10k yuan" in table and "10 MWh" in table and "万元" not in table and "万千瓦时" not in table
        assert "Electricity surcharge" in table
        run = c.get(f"/runs/{world.run_new}?lang=en").text
        assert "10k yuan/mu" in run and "万元/亩" not in run
    finally:
        c.get(
            "/runs?lang=zh"
        )  # the language is remembered in a cookie: give the shared client back in Chinese
