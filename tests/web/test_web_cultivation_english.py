"""企业培育 pages in English: the gaps of the pool, the ladder, the certificates, the run page's condition cells,
a firm's conditions and band texts and the 画像's tiers read in English with `?lang=en` (Chinese stays the
default), and the JSON API gives the English beside the Chinese it already gave."""

from __future__ import annotations

import html
import re
import shutil

import polars as pl
import pytest
from fastapi.testclient import TestClient
from web_support import login, make_app

from gaoxin.evaluations import cultivation as svc
from gaoxin.evaluations.cultivation.english import english, english_parts
from gaoxin.store import connect, one

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def store(world, tmp_path_factory):
    path = tmp_path_factory.mktemp("cen") / "store.duckdb"
    shutil.copy(world.db, path)
    con = connect(path)
    runs = {sid: svc.run_cultivation(con, sid, "2025").run_id for sid in svc.BUILTIN}
    con.close()
    return path, runs


@pytest.fixture(scope="module")
def client(store, tmp_path_factory):
    path = tmp_path_factory.mktemp("cen-app") / "s.duckdb"
    shutil.copy(store[0], path)
    app = make_app(path)
    c = TestClient(app)
    assert login(c, "ana").status_code == 303
    yield c
    app.state.store.close()


def cells(page: str, table_id: str, column: int) -> list[str]:
    """The text of one column of a table's body rows (tags dropped, one string per cell)."""
    body = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    out = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]:
        tds = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        if len(tds) > column:
            out.append(html.unescape(re.sub(r"<[^>]+>", "\n", tds[column])))
    return out


def lines(cell: str) -> list[str]:
    return [s.strip() for s in cell.split("\n") if s.strip()]


def test_pool_gaps_in_english_and_chinese_by_default(store, client):
    path, runs = store
    con = connect(path)
    pool = svc.pool(con, runs["srdi-sme-2022"]).head(50)
    con.close()
    zh = client.get("/cultivation?scheme=srdi-sme-2022&period=2025&lang=zh")
    en = client.get("/cultivation?scheme=srdi-sme-2022&period=2025&lang=en")
    zh_gaps, en_gaps = cells(zh.text, "pool", 7), cells(en.text, "pool", 7)
    assert [lines(g) for g in zh_gaps] == [
        [g for g in (t or "").split("；") if g] or ["—"] for t in pool["reasons"]
    ]
    assert [lines(g) for g in en_gaps] == [g or ["—"] for g in english_parts(pool["reasons"])]
    assert any(CJK.search(g) for g in zh_gaps) and not any(CJK.search(g) for g in en_gaps)
    assert any("10k yuan" in g for g in en_gaps)


def test_ladder_and_certificates_in_english(client):
    ladder = cells(client.get("/cultivation/ladder?period=2025&lang=en").text, "ladder", 5)
    assert ladder and not any(CJK.search(g) for g in ladder)
    page = client.get("/cultivation/certificates?period=2025&lang=en").text
    status, gaps = cells(page, "certificates", 4), cells(page, "certificates", 6)
    assert all(s.strip() in ("Expired", "Expires within 12 months") for s in status)  # none in a small zone
    assert not any(CJK.search(g) for g in gaps)
    if not status:
        assert "No certificate expires within 12 months" in page


def test_run_page_conditions_and_notes_in_english(store, client):
    path, runs = store
    rid = runs["hnte-2016"]
    page = client.get(f"/cultivation/runs/{rid}?lang=en").text
    head = page.split('id="conditions"', 1)[1].split("</thead>", 1)[0]
    assert "S&amp;T staff" in head and not CJK.search(re.sub(r'title="[^"]*"', "", head))
    assert "High and New Technology Enterprise (HNTE) recognition, 2016 rules" in page
    notes = [c for k in range(3, 11) for c in cells(page, "conditions", k)]
    assert notes and not any(CJK.search(n) for n in notes)


def test_firm_conditions_items_and_profile_tiers_in_english(store, client):
    path, runs = store
    rid = runs["hnte-2016"]
    con = connect(path)
    uscc, note = one(
        con,
        """SELECT uscc, note FROM run_item WHERE run_id = ? AND item = 'condition.rd_ratio' AND score = 0
           ORDER BY uscc LIMIT 1""",
        [rid],
    )
    con.close()
    page = client.get(f"/cultivation/runs/{rid}/{uscc}?lang=en").text
    english_note = english(pl.Series([note]))[0]
    assert english_note.startswith("R&D spending of the last three years as a share of sales ")
    assert english_note.endswith(" 10k yuan") and english_note in html.unescape(page)
    for k in (0, 4):  # condition title and the gap / note column (the 依据 column cites the rule as written)
        assert not any(CJK.search(c) for c in cells(page, "firm-conditions", k))
    for k in (0, 1, 5):  # scored item, group, band
        assert not any(CJK.search(c) for c in cells(page, "firm-items", k))
    zh = client.get(f"/enterprises/{uscc}?lang=zh").text.split('id="tiers"', 1)[1].split("</section>", 1)[0]
    en = client.get(f"/enterprises/{uscc}?lang=en").text.split('id="tiers"', 1)[1].split("</section>", 1)[0]
    assert note.split("；")[0] in html.unescape(zh)
    gaps = cells(en, "tier-table", 3)
    assert gaps and english_note.split("; ")[0] in html.unescape(en) and not any(CJK.search(g) for g in gaps)
    assert "Highest tier: " in html.unescape(en)


def test_json_api_adds_the_english_beside_the_chinese(store, client):
    path, runs = store
    pool = client.get("/api/cultivation/pool?scheme=hnte-2016&period=2025").json()["rows"]
    assert pool and all(not CJK.search(" ".join(r["gaps_en"])) for r in pool)
    assert [len(r["gaps"]) for r in pool] == [len(r["gaps_en"]) for r in pool]
    assert any(CJK.search(" ".join(r["gaps"])) for r in pool)  # the Chinese field is unchanged
    ladder = client.get("/api/cultivation/ladder?period=2025").json()["firms"]
    assert all(len(r["next_gaps"]) == len(r["next_gaps_en"]) for r in ladder)
    certs = client.get("/api/cultivation/certificates?period=2025").json()["certificates"]
    assert all(r["status_en"] in ("Expired", "Expires within 12 months") for r in certs)
    tiers = client.get(f"/api/enterprises/{pool[0]['uscc']}/tiers").json()["tiers"]
    assert tiers and all(len(t["gaps"]) == len(t["gaps_en"]) for t in tiers)
    explained = client.get(f"/api/runs/{runs['hnte-2016']}/explain/{pool[0]['uscc']}").json()
    assert explained["title_en"].startswith("High and New Technology Enterprise")
    assert all(not CJK.search(c["note_en"] + c["title_en"]) for c in explained["conditions"])
