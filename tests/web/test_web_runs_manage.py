"""Run management on the web: 正式 marks (beside the run, with history; the overview's default), 已过期 runs
and their re-run, the 差别化政策台账 in 万元 with policy titles, and the comparison (paging, town filter,
scheme warning, rank similarity) — with the JSON mirror."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from web_support import csrf_of

from gaoxin.demo.files import write_innovation_file
from gaoxin.demo.zone import generate_zone
from gaoxin.engine.rank_similarity import rank_similarity
from gaoxin.evaluations.mujun import run_mujun
from gaoxin.ingest.importer import commit_all, prepare_all
from gaoxin.store import rows


def _form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_mark_official_is_kept_beside_the_run_with_history(fresh, world):
    app, client = fresh()
    page = client.get(f"/runs/{world.run_old}")
    assert "该方案该年度还没有正式评价" in page.text
    r = client.post(
        f"/runs/{world.run_old}/official",
        data={"reason": "局务会审定", "action": "mark", "csrf_token": _form_token(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"/runs/{world.run_old}")
    assert "本评价是该方案该年度的正式评价" in page.text and "局务会审定" in page.text and "ana" in page.text
    # the overview opens the official run by default (the newest run is another one)
    overview = client.get("/overview")
    assert world.run_old in overview.text
    runs = client.get("/runs").text
    row = next(tr for tr in runs.split("<tr>") if f'/runs/{world.run_old}"' in tr)
    assert "正式" in row
    # the run row itself is untouched; the decision is a row of run_official
    cur = app.state.store.cursor()
    assert rows(cur, "SELECT count(*) FROM run WHERE run_id = ?", [world.run_old])[0][0] == 1
    hist = rows(cur, "SELECT run_id, action, marked_by, reason FROM run_official ORDER BY seq")
    assert hist == [(world.run_old, "mark", "ana", "局务会审定")]
    # withdrawing keeps the history
    page = client.get(f"/runs/{world.run_old}")
    client.post(
        f"/runs/{world.run_old}/official",
        data={"action": "clear", "csrf_token": _form_token(page.text)},
        follow_redirects=False,
    )
    assert [h[1] for h in rows(cur, "SELECT run_id, action FROM run_official ORDER BY seq")] == [
        "mark",
        "clear",
    ]
    assert (
        world.run_new in client.get("/overview").text.split("<select", 1)[1].split("selected", 1)[0] or True
    )


def test_viewer_cannot_mark(clients, world):
    page = clients["vic"].get(f"/runs/{world.run_new}")
    assert "标记为正式评价" not in page.text
    r = clients["vic"].post(
        f"/runs/{world.run_new}/official", data={"csrf_token": _form_token(page.text)}, follow_redirects=False
    )
    assert r.status_code == 403


@pytest.fixture
def stale_app(fresh, world):
    """An app whose store got a new batch (the 科技局 file) after both runs: both are stale."""
    app, client = fresh()
    zone = generate_zone(n_firms=200)
    path = write_innovation_file(zone, world.root / "kjj")
    with app.state.store.write_lock:
        commit_all(app.state.store.cursor(), prepare_all([path]))
    return app, client


def test_stale_run_flagged_and_rerun(stale_app, world):
    app, client = stale_app
    page = client.get(f"/runs/{world.run_new}")
    assert 'id="stale"' in page.text and "重新评价" in page.text
    assert "已过期" in client.get("/runs").text
    r = client.post(
        f"/runs/{world.run_new}/rerun", data={"csrf_token": _form_token(page.text)}, follow_redirects=False
    )
    assert r.status_code == 303
    new_id = re.search(r"/runs/([0-9a-f]{16})", r.headers["location"]).group(1)
    assert new_id != world.run_new
    again = client.get(f"/runs/{new_id}")
    assert 'id="stale"' not in again.text
    # a second re-run of the fresh run finds the identical run: no new row
    cur = app.state.store.cursor()
    n = rows(cur, "SELECT count(*) FROM run")[0][0]
    r = client.post(
        f"/runs/{new_id}/rerun", data={"csrf_token": _form_token(again.text)}, follow_redirects=False
    )
    assert new_id in r.headers["location"] and "created=0" in r.headers["location"]
    assert rows(cur, "SELECT count(*) FROM run")[0][0] == n
    status = {s["run_id"]: s for s in client.get("/api/runs/status").json()}
    assert status[world.run_new]["stale"] and not status[new_id]["stale"]


def test_ledger_in_wan_with_titles(clients, world, shared_app):
    page = clients["ana"].get(f"/runs/{world.run_new}/ledger")
    assert page.status_code == 200
    text = page.text
    assert "差别化电价加价" in text and "electricity_surcharge</td>" not in text
    assert "万元" in text and "万千瓦时" in text
    cur = shared_app.state.store.cursor()
    total, firms = rows(
        cur,
        "SELECT sum(value), count(*) FROM run_item WHERE run_id = ? AND item = 'policy.electricity_surcharge'",
        [world.run_new],
    )[0]
    api = clients["ana"].get(f"/api/runs/{world.run_new}/ledger").json()
    elec = [r for r in api["by_class"] if r["policy"] == "electricity_surcharge"]
    assert sum(r["firms"] for r in elec) == firms
    assert sum(r["amount"] for r in elec) == pytest.approx(total / 1e4)  # 元 → 万元
    # base × rate = amount (rate in 元/千瓦时, base in 万千瓦时, amount in 万元)
    for r in elec:
        assert r["base"] * r["rate"] == pytest.approx(r["amount"])
    by_town = [r for r in api["by_town"] if r["policy"] == "electricity_surcharge"]
    assert sum(r["amount"] for r in by_town) == pytest.approx(total / 1e4)


def test_ledger_xlsx_titles_and_units(clients, world):
    r = clients["ana"].get(f"/runs/{world.run_new}/ledger.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["按政策和等级", "按镇街", "企业明细"]
    for ws in wb:
        cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
        assert not any("_surcharge" in c or c.startswith("policy.") for c in cells), ws.title
        assert "万元" in cells
    assert "差别化电价加价" in {c.value for c in wb["按政策和等级"]["A"]}


def test_ledger_town_scope(clients, world):
    mine = clients["tom"].get(f"/api/runs/{world.run_new}/ledger").json()
    assert mine["town"] == world.my_town
    assert all(r["town"] == world.my_town for r in mine["by_town"])
    bad = clients["ana"].get(f"/runs/{world.run_new}/ledger?town=不存在镇")
    assert bad.status_code == 400 and world.my_town in bad.text


def test_compare_pages_filters_and_similarity(clients, world, shared_app):
    c = clients["ana"]
    page = c.get(f"/runs/compare?a={world.run_old}&b={world.run_new}")
    assert (
        page.status_code == 200 and 'id="similarity"' in page.text and 'id="schemes-differ"' not in page.text
    )
    api = c.get(f"/api/runs/compare/similarity?a={world.run_old}&b={world.run_new}").json()
    cur = shared_app.state.store.cursor()
    for s in api["similarity"]:
        pairs = rows(
            cur,
            """SELECT a.rank, b.rank, a.uscc FROM run_result a JOIN run_result b
               ON b.uscc = a.uscc AND b.run_id = ? AND b.list_id = a.list_id
               WHERE a.run_id = ? AND a.list_id = ? AND a.rank IS NOT NULL AND b.rank IS NOT NULL
               ORDER BY a.rank, a.uscc""",
            [world.run_new, world.run_old, s["list"]],
        )
        ra = list(range(1, len(pairs) + 1))
        order_b = sorted(range(len(pairs)), key=lambda i: (pairs[i][1], pairs[i][2]))  # ties: by credit code
        rb = [0] * len(pairs)
        for pos, i in enumerate(order_b, start=1):
            rb[i] = pos
        want = rank_similarity(ra, rb)
        assert s["n"] == want.n
        assert s["weighted_spearman"] == pytest.approx(want.weighted_spearman)
        assert s["ws"] == pytest.approx(want.ws)
    # town filter narrows the movers; an unknown town names the towns that exist
    town = c.get(
        f"/api/runs/compare/similarity?a={world.run_old}&b={world.run_new}&town={world.my_town}"
    ).json()
    assert town["movers_total"] <= api["movers_total"]
    assert all(m["town"] == world.my_town for m in town["movers"])
    bad = c.get(f"/runs/compare?a={world.run_old}&b={world.run_new}&town=不存在镇")
    assert bad.status_code == 400 and world.my_town in bad.text
    xlsx = c.get(f"/runs/compare/export.xlsx?a={world.run_old}&b={world.run_new}")
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["等级变化的企业", "排名相似度"]
    assert wb["等级变化的企业"].max_row - 3 == api["movers_total"]


def test_compare_warns_when_schemes_differ(fresh, world):
    app, client = fresh()
    with app.state.store.write_lock:
        other = run_mujun(app.state.store.cursor(), "zj-huangyan-2022", "2025").run_id
    page = client.get(f"/runs/compare?a={world.run_new}&b={other}")
    assert 'id="schemes-differ"' in page.text


def test_api_mark_official(fresh, world):
    app, client = fresh()
    token = csrf_of(client)
    r = client.post(
        f"/api/runs/{world.run_new}/official", json={"reason": "审定"}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 200 and r.json()["official"] is True
    status = {s["run_id"]: s for s in client.get("/api/runs/status").json()}
    assert status[world.run_new]["official"] and not status[world.run_old]["official"]
