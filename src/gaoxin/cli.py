"""The `gaoxin` command. Thin: each area's commands live in `gaoxin.commands.*`."""

from __future__ import annotations

import importlib
import sys

import typer

from gaoxin import __version__
from gaoxin.runtime import keep_freed_memory

# area module (gaoxin.commands.<area>) → the top-level commands and groups it registers, in `--help` order.
# A command typed by the user loads only its own area: typer turns every registered function into a click
# command on each call (~0.15 s for all of them) and the areas' modules cost their imports. A test keeps this
# table equal to what the areas register.
AREAS: dict[str, tuple[str, ...]] = {
    "data": ("init", "import", "batches", "rejects", "enterprises", "enterprise"),
    "demo": ("demo",),
    "mujun": ("evaluate", "results", "explain", "what-if", "export", "schemes", "runs"),
    "cultivation": ("cultivate", "pool", "ladder"),
    "zones": ("zones", "rank", "climb", "rank-export"),
    "chains": ("chains",),
    "web": ("serve", "user"),
    "workdays": ("workdays",),
    "requests": ("requests",),
    "projects": ("leads", "projects", "commitments"),
    "backup": ("backup", "restore"),
    "monitor": ("monitor",),
    "publish": ("publish", "appeals", "adjust", "final"),
    "land": ("land",),
    "registry": ("registry",),
}
COMMAND_AREA = {name: area for area, names in AREAS.items() for name in names}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gaoxin {__version__}")
        raise typer.Exit()


def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="显示版本 / show version"
    ),
) -> None:
    """gaoxin 高新."""
    keep_freed_memory()  # large runs reuse freed memory instead of faulting in fresh pages


def build(areas: tuple[str, ...] | None = None) -> typer.Typer:
    """The `gaoxin` command with the given areas' commands (all of them by default)."""
    app = typer.Typer(
        name="gaoxin",
        help="gaoxin 高新 — 园区经济运行与企业评价平台 (亩均论英雄 · 企业培育 · 产业链 · 园区对标)",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(_main)
    for area in areas or tuple(AREAS):
        importlib.import_module(f"gaoxin.commands.{area}").register(app)
    return app


def _for_argv(argv: list[str]) -> typer.Typer:
    """Only the typed command's area when the first word names one; everything for --help, a typo (so click
    lists the commands and suggests the nearest) or no command."""
    first = next((a for a in argv if not a.startswith("-")), None)
    area = COMMAND_AREA.get(first) if first is not None else None
    return build((area,)) if area is not None else build()


_full: typer.Typer | None = None


def __getattr__(name: str) -> typer.Typer:
    # `from gaoxin.cli import app` (tests, embedding): the whole command, assembled on first use
    global _full
    if name != "app":
        raise AttributeError(name)
    if _full is None:
        _full = build()
    return _full


def run() -> None:
    """The `gaoxin` entry point: the commands, behind one error boundary — an unexpected error (any exception
    a command did not turn into a message, a reader's panic included) reaches the user as one line with an
    incident id; the traceback goes to the incident log."""
    try:
        _for_argv(sys.argv[1:])()
    except KeyboardInterrupt:
        typer.echo("已中断 / interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - the boundary: nothing gets past it as a traceback
        from gaoxin import incidents

        typer.echo(
            "错误: " + incidents.message(incidents.record(exc, "gaoxin " + " ".join(sys.argv[1:]))), err=True
        )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    run()
