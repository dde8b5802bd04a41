"""The demo's registry file: written deterministically from the store and the day, imported through the normal
path (its bad rows kept as rejects), with reviews due, one overdue and one platform revoked; a second demo run
imports nothing new."""

from __future__ import annotations

from datetime import date

from gaoxin.demo.registries import generate_registries, write_registry_file
from gaoxin.registries import service
from gaoxin.store import connect, frame

TODAY = date(2026, 12, 3)


def test_demo_registries_once_and_deterministic(demo_store, tmp_path):
    con = connect(demo_store.copy(tmp_path / "d.duckdb"))
    try:
        for d in ("a", "b"):
            (tmp_path / d).mkdir()
        a, b = (write_registry_file(con, TODAY, tmp_path / d) for d in ("a", "b"))
        assert a.read_bytes() == b.read_bytes()
        first = generate_registries(con, TODAY, tmp_path)
        out = first["outcome"]
        # rejected: a wrong check character and a 30 February / unknown status (platforms), 技术交易额 > 成交额
        assert not first["skipped"] and (out.rejected, out.skipped) == (3, 1)  # skipped: the 合计 line
        assert set(out.kinds) == {"platform", "contract", "talent", "provider", "hosted"}
        assert all(n > 0 for n in out.kinds.values())
        reviews = service.reviews(con, TODAY)
        due = service.due(con, TODAY)
        assert due.filter(~due["overdue"]).height >= 2 and due["overdue"].any()
        assert reviews.filter(reviews["status_now"] == "撤销").height == 1
        assert service.dashboard(con)["per_capita"]["per_capita_wan"] > 0
        batches = frame(con, "SELECT count(*) AS n FROM import_batch").item()
        again = generate_registries(con, TODAY, tmp_path)
        assert again["skipped"] and frame(con, "SELECT count(*) AS n FROM import_batch").item() == batches
    finally:
        con.close()
