"""The web dashboard and JSON API (FastAPI, Jinja2, htmx, vendored ECharts). `create_app(db_path)`.

The app itself loads on first use of `create_app`: `gaoxin.web.auth` (password hashing, used by `gaoxin user`)
does not need FastAPI, the templates or the pinyin index.
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from gaoxin.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
