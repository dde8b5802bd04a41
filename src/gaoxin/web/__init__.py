"""The web dashboard and JSON API (FastAPI, Jinja2, htmx, vendored ECharts). `create_app(db_path)`."""

from gaoxin.web.app import create_app

__all__ = ["create_app"]
