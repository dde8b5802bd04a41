"""The `gaoxin` command. Thin: each area's commands live in `gaoxin.commands.*`."""

from __future__ import annotations

import typer

from gaoxin import __version__
from gaoxin.commands import (
    backup,
    chains,
    cultivation,
    data,
    demo,
    land,
    monitor,
    mujun,
    projects,
    publish,
    registry,
    requests,
    web,
    workdays,
    zones,
)
from gaoxin.runtime import keep_freed_memory

app = typer.Typer(
    name="gaoxin",
    help="gaoxin 高新 — 园区经济运行与企业评价平台 (亩均论英雄 · 企业培育 · 产业链 · 园区对标)",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gaoxin {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="显示版本 / show version"
    ),
) -> None:
    """gaoxin 高新."""
    keep_freed_memory()  # large runs reuse freed memory instead of faulting in fresh pages


data.register(app)
demo.register(app)
mujun.register(app)
cultivation.register(app)
zones.register(app)
chains.register(app)
web.register(app)
workdays.register(app)
requests.register(app)
projects.register(app)
backup.register(app)
monitor.register(app)
publish.register(app)
land.register(app)
registry.register(app)


def run() -> None:
    """The `gaoxin` entry point: the commands, behind one error boundary — an unexpected error (any exception
    a command did not turn into a message, a reader's panic included) reaches the user as one line with an
    incident id; the traceback goes to the incident log."""
    import sys

    try:
        app()
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
