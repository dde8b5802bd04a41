"""Login, sessions, cookies, CSRF on every form, throttling, the CLI and the demo administrator."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from web_support import PASSWORDS, csrf_of, login

from gaoxin.store import connect, one
from gaoxin.web.auth import SESSION_COOKIE, add_user, ensure_demo_admin, verify_password


def test_login_sets_a_hardened_session_cookie(shared_app):
    c = TestClient(shared_app)
    r = login(c, "vic", next_path="/runs")
    assert r.status_code == 303 and r.headers["location"] == "/runs"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # plain http here
    assert c.get("/runs").status_code == 200


def test_cookie_is_secure_over_https(shared_app):
    c = TestClient(shared_app, base_url="https://testserver")
    r = login(c, "vic")
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "Secure" in cookie


def test_wrong_password_and_unknown_user_get_the_same_answer(shared_app):
    c = TestClient(shared_app)
    a = login(c, "vic", "nope")
    b = login(c, "nobody", "nope")
    assert a.status_code == b.status_code == 401
    assert "用户名或密码错误" in a.text and "用户名或密码错误" in b.text
    assert SESSION_COOKIE not in c.cookies


def test_anonymous_is_sent_to_login_and_api_gets_401(clients):
    r = clients["anon"].get("/enterprises?q=x", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Fenterprises%3Fq%3Dx")
    assert clients["anon"].get("/api/enterprises").status_code == 401
    assert (
        clients["anon"].get("/enterprises", headers={"HX-Request": "true"}).headers.get("HX-Redirect")
        == "/login"
    )


def test_no_open_redirect_after_login(shared_app):
    for target in ("//evil.example/x", "https://evil.example/", "\\\\evil"):
        r = login(TestClient(shared_app), "vic", next_path=target)
        assert r.headers["location"] == "/"


def test_tampered_cookie_is_anonymous(shared_app):
    c = TestClient(shared_app)
    login(c, "vic")
    value = c.cookies[SESSION_COOKIE]
    c.cookies.set(SESSION_COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert c.get("/api/me").status_code == 401


def test_logout_ends_the_session(shared_app):
    c = TestClient(shared_app)
    login(c, "vic")
    stolen = c.cookies[SESSION_COOKIE]
    token = csrf_of(c)
    assert c.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    other = TestClient(shared_app)
    other.cookies.set(SESSION_COOKIE, stolen)
    assert other.get("/api/me").status_code == 401


def all_routes(app) -> list[tuple[str, set]]:
    """(path, methods) of every route, through included routers (FastAPI keeps them nested)."""
    out, todo = [], [(r, "") for r in app.routes]
    while todo:
        route, prefix = todo.pop()
        if hasattr(route, "original_router"):
            inner = route.original_router
            todo += [(r, prefix + (inner.prefix or "")) for r in inner.routes]
        elif getattr(route, "methods", None):
            path = route.path if route.path.startswith(prefix) else prefix + route.path
            out.append((path, set(route.methods)))
    return out


def test_every_post_route_rejects_a_missing_or_wrong_csrf_token(shared_app, clients):
    posts = sorted(p for p, methods in all_routes(shared_app) if "POST" in methods)
    assert {
        "/login",
        "/logout",
        "/runs",
        "/imports/preview",
        "/imports/commit",
        "/admin/users",
        "/api/runs",
    } <= set(posts)
    c = clients["root"]
    for path in posts:
        url = path.replace("{name}", "vic")
        assert c.post(url, data={"x": "1"}).status_code == 403, url
        assert c.post(url, data={"csrf_token": "0" * 40}).status_code == 403, url
        assert (
            c.post(
                url, json={"scheme": "default", "period": "2025"}, headers={"X-CSRF-Token": "forged"}
            ).status_code
            == 403
        ), url
    assert "禁止" in c.post("/runs", data={}).text or "表单已过期" in c.post("/runs", data={}).text


def test_csrf_token_of_one_session_does_not_work_in_another(shared_app, clients):
    token_vic = csrf_of(clients["vic"])
    c = TestClient(shared_app)
    login(c, "ana")
    assert (
        c.post("/runs", data={"scheme": "default", "period": "2025", "csrf_token": token_vic}).status_code
        == 403
    )


def test_login_form_needs_its_csrf_token(shared_app):
    c = TestClient(shared_app)
    r = c.post("/login", data={"name": "vic", "password": PASSWORDS["vic"]})
    assert r.status_code == 403


def test_failed_logins_are_throttled(fresh):
    app, _ = fresh("ana", login_attempts=3)
    c = TestClient(app)
    for _ in range(3):
        assert login(c, "vic", "wrong").status_code == 401
    r = login(c, "vic")  # even the right password waits now
    assert r.status_code == 429 and "尝试次数过多" in r.text


def test_disabled_user_is_signed_out(fresh):
    app, admin = fresh("root")
    victim = TestClient(app)
    login(victim, "vic")
    assert victim.get("/api/me").status_code == 200
    token = csrf_of(admin, "/admin/users")
    assert (
        admin.post("/admin/users/vic/disable", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )
    assert victim.get("/api/me").status_code == 401
    assert login(TestClient(app), "vic").status_code == 401


def test_admin_adds_a_town_user_and_sees_the_password_once(fresh, world):
    app, admin = fresh("root")
    token = csrf_of(admin, "/admin/users")
    r = admin.post(
        "/admin/users", data={"name": "lily", "role": "town", "town": world.other_town, "csrf_token": token}
    )
    password = re.search(r'id="new-password">([^<]+)<', r.text).group(1)
    c = TestClient(app)
    assert login(c, "lily", password).status_code == 303
    me = c.get("/api/me").json()
    assert me["role"] == "town" and me["town"] == world.other_town
    r = admin.post("/admin/users", data={"name": "nobody", "role": "town", "town": "", "csrf_token": token})
    assert r.status_code == 400 and "镇街用户必须指定镇街" in r.text


def test_passwords_are_stored_as_argon2(tmp_path):
    con = connect(tmp_path / "u.duckdb")
    password = add_user(con, "x", "viewer")
    stored = one(con, "SELECT password_hash FROM app_user WHERE name = 'x'")[0]
    assert stored.startswith("$argon2id$") and password not in stored
    assert verify_password(stored, password) and not verify_password(stored, password + "x")
    with pytest.raises(ValueError):
        add_user(con, "t", "town")  # a town user needs its town
    with pytest.raises(ValueError):
        add_user(con, "t", "superuser")


def test_demo_admin_gets_a_fresh_password_each_time(tmp_path):
    con = connect(tmp_path / "d.duckdb")
    name, first = ensure_demo_admin(con)
    name2, second = ensure_demo_admin(con)
    assert name == name2 == "admin" and first != second and len(second) >= 12
    stored = one(con, "SELECT password_hash, role FROM app_user WHERE name = 'admin'")
    assert (
        stored[1] == "admin" and verify_password(stored[0], second) and not verify_password(stored[0], first)
    )


def test_cli_user_add(tmp_path):
    from gaoxin.cli import app

    db = str(tmp_path / "cli.duckdb")
    runner = CliRunner()
    r = runner.invoke(app, ["user", "add", "zhang", "--role", "town", "--town", "梅山镇", "--db", db])
    assert r.exit_code == 0, r.output
    password = re.search(r"password: (\S+)", r.output).group(1)
    r = runner.invoke(app, ["user", "add", "li", "--role", "analyst", "--password", "given-pw", "--db", db])
    assert r.exit_code == 0 and "given-pw" not in r.output
    assert runner.invoke(app, ["user", "add", "w", "--role", "boss", "--db", db]).exit_code != 0
    assert runner.invoke(app, ["user", "add", "w", "--role", "town", "--db", db]).exit_code != 0
    con = connect(db)
    rows_ = dict(
        (r[0], (r[1], r[2], r[3]))
        for r in con.execute("SELECT name, role, town, password_hash FROM app_user").fetchall()
    )
    assert rows_["zhang"][:2] == ("town", "梅山镇") and verify_password(rows_["zhang"][2], password)
    assert verify_password(rows_["li"][2], "given-pw")


def test_one_client_guessing_does_not_lock_the_name_out_for_others(fresh):
    app, _ = fresh("ana", login_attempts=3)
    attacker = TestClient(app, client=("203.0.113.9", 50000))
    for _ in range(3):
        assert login(attacker, "vic", "wrong").status_code == 401
    assert login(attacker, "vic").status_code == 429  # the guessing client waits
    officer = TestClient(app, client=("10.0.0.5", 50001))
    assert login(officer, "vic").status_code == 303  # the real user, elsewhere, still signs in


def test_the_failure_table_stays_bounded():
    from gaoxin.web import auth as A

    a = A.Auth.__new__(A.Auth)
    a._failures, a._lock = A.OrderedDict(), A.threading.Lock()
    for i in range(A._MAX_FAILURE_KEYS + 500):
        a._failed((f"10.0.{i // 250}.{i % 250}", "admin"))
    assert len(a._failures) == A._MAX_FAILURE_KEYS
