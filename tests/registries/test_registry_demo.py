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


def test_the_kept_set_of_registered_firms_answers_as_the_look_up(demo_store, tmp_path):
    """The 画像 keeps `registered_firms` per data version instead of asking the registers for every firm: the set
    holds exactly the firms the per-firm look-up finds, and a firm's section read with it is the same — for
    firms in a register (as host, seller, buyer, employer, hosted firm) and out of all of them."""
    from gaoxin.store import registries as store
    from gaoxin.store import rows

    con = connect(demo_store.copy(tmp_path / "d.duckdb"))
    try:
        generate_registries(con, TODAY, tmp_path)
        registered = store.registered_firms(con)
        firms = [r[0] for r in rows(con, "SELECT uscc FROM enterprise ORDER BY uscc")]
        extra = sorted(registered - set(firms))[:20]  # register codes of firms not in the enterprise table
        found = {u for u in firms + extra if store.firm_registry(con, u) is not None}
        assert len(found) > 20 and found == registered & set(firms + extra)
        for u in sorted(found)[:25] + firms[:25] + extra:
            plain, kept = store.firm_registry(con, u), store.firm_registry(con, u, registered)
            assert (plain is None) == (kept is None), u
            if plain is not None:
                assert all(plain[k].equals(kept[k]) for k in plain), u
        # a register row superseded leaves the set with it
        host = rows(
            con, "SELECT host_uscc FROM reg_platform WHERE NOT superseded AND host_uscc IS NOT NULL LIMIT 1"
        )[0][0]
        con.execute("UPDATE reg_platform SET superseded = true WHERE host_uscc = ?", [host])
        assert (host in store.registered_firms(con)) == (store.firm_registry(con, host) is not None)
    finally:
        con.close()
