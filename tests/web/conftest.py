"""Web test fixtures: a small demo zone imported through the real import path and evaluated for two years,
users of every role, and logged-in TestClients. Built once per session; tests that write get a copy."""

from __future__ import annotations

import shutil
import warnings

import pytest

from gaoxin.demo.files import write_department_files
from gaoxin.demo.zone import generate_zone
from gaoxin.ingest.importer import commit_all, prepare_all
from gaoxin.store import connect, one, rows

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from web_support import PASSWORDS, World, login, make_app  # noqa: E402

from gaoxin.evaluations.mujun import run_mujun  # noqa: E402
from gaoxin.web.auth import add_user  # noqa: E402


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> World:
    root = tmp_path_factory.mktemp("web")
    files = write_department_files(generate_zone(n_firms=200), root / "files")
    db = root / "base.duckdb"
    con = connect(db)
    commit_all(con, prepare_all(files))
    run_old = run_mujun(con, "default", "2024").run_id
    run_new = run_mujun(con, "default", "2025").run_id
    towns = [
        r[0]
        for r in rows(
            con,
            "SELECT town, count(*) FROM enterprise WHERE town IS NOT NULL "
            "GROUP BY town ORDER BY count(*) DESC, town",
        )
    ]
    my_town, other_town = towns[0], towns[1]
    for name, role in (("root", "admin"), ("ana", "analyst"), ("vic", "viewer")):
        add_user(con, name, role, password=PASSWORDS[name])
    add_user(con, "tom", "town", town=my_town, password=PASSWORDS["tom"])

    def firm_in(town):
        return one(
            con,
            """SELECT r.uscc FROM run_result r JOIN enterprise e USING (uscc)
                           WHERE r.run_id = ? AND e.town = ? AND r.class_final IN ('B', 'C', 'D')
                           ORDER BY r.uscc LIMIT 1""",
            [run_new, town],
        )[0]

    w = World(
        root=root,
        files=files,
        db=db,
        run_old=run_old,
        run_new=run_new,
        my_town=my_town,
        other_town=other_town,
        my_firm=firm_in(my_town),
        other_firm=firm_in(other_town),
        n_my_town=one(con, "SELECT count(*) FROM enterprise WHERE town = ?", [my_town])[0],
        n_firms=one(con, "SELECT count(*) FROM enterprise")[0],
        batch_ids=[r[0] for r in rows(con, "SELECT batch_id FROM import_batch ORDER BY 1")],
    )
    con.close()
    return w


@pytest.fixture(scope="session")
def shared_app(world, tmp_path_factory):
    """One app over a copy of the world, for tests that only read."""
    path = tmp_path_factory.mktemp("shared") / "store.duckdb"
    shutil.copy(world.db, path)
    app = make_app(path)
    yield app
    app.state.store.close()


@pytest.fixture(scope="session")
def clients(shared_app) -> dict[str, TestClient]:
    """A signed-in client per user of `shared_app` (plus `anon`)."""
    out = {"anon": TestClient(shared_app)}
    for name in PASSWORDS:
        c = TestClient(shared_app)
        assert login(c, name).status_code == 303
        out[name] = c
    return out


@pytest.fixture
def fresh(world, tmp_path):
    """A writable app over its own copy of the world; yields (app, client signed in as the analyst)."""
    path = tmp_path / "store.duckdb"
    shutil.copy(world.db, path)
    apps = []

    def build(user: str = "ana", **settings):
        app = make_app(path, **settings)
        apps.append(app)
        client = TestClient(app)
        assert login(client, user).status_code == 303
        return app, client

    yield build
    for app in apps:
        app.state.store.close()
