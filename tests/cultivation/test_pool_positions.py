"""Day-one bug (issue 14): the CLI pool's 名次 started at 1046 (the firm's place in the whole run) while the web
counts from 1 in the pool."""

from __future__ import annotations

import json

import pytest

from support import cli


@pytest.fixture(scope="module")
def pool_db(demo_store, tmp_path_factory):
    return demo_store.copy(tmp_path_factory.mktemp("pool") / "pool.duckdb")


def test_pool_positions_count_from_one_in_json_and_table(pool_db):
    data = json.loads(cli("pool", "--scheme", "tsme-2022", "--db", pool_db, "--json", "--limit", "5").stdout)
    pool = data["schemes"][0]["pool"]
    assert [p["position"] for p in pool] == [1, 2, 3, 4, 5]
    assert pool[0]["rank"] > 1  # the run's own rank stays, qualifying firms come before the pool
    table = cli("pool", "--scheme", "tsme-2022", "--db", pool_db, "--limit", "3").stdout
    lines = [line for line in table.splitlines() if pool[0]["name"] in line]
    assert lines and lines[0].split("│")[1].strip() == "1"
