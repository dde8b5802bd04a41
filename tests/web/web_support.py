"""Helpers shared by the web tests (a uniquely named module: `conftest` is ambiguous across test folders)."""

from __future__ import annotations

import re

from gaoxin.web import create_app
from gaoxin.web.deps import WebSettings

PASSWORDS = {"root": "admin-pw-1", "ana": "analyst-pw-1", "vic": "viewer-pw-1", "tom": "town-pw-1"}
SECRET = "test-secret-not-for-production"


class World:
    """What the session fixture built: paths, towns, run ids, firms per town."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def make_app(path, **settings):
    return create_app(path, secret=SECRET, settings=WebSettings(**settings))


def login(client, name: str, password: str | None = None, next_path: str = "/"):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post(
        "/login",
        data={"name": name, "password": password or PASSWORDS[name], "csrf_token": token, "next": next_path},
        follow_redirects=False,
    )


def csrf_of(client, path: str = "/runs") -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).text).group(1)
