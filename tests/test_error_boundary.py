"""One error boundary in the CLI and one in the web: a planted unexpected error reaches the user as one line
with an incident id — never a traceback — and the incident log holds the traceback under that id."""

from __future__ import annotations

import re
import sys

import pytest

from gaoxin import cli


class Planted(RuntimeError):
    pass


def test_the_cli_turns_an_unexpected_error_into_one_line_with_an_incident(monkeypatch, capsys, tmp_path):
    log = tmp_path / "incidents.log"
    monkeypatch.setenv("GAOXIN_INCIDENT_LOG", str(log))

    def boom(*_a, **_k):
        raise Planted("secret detail: /srv/gaoxin/store.duckdb")

    monkeypatch.setattr("gaoxin.commands.data.open_store", boom)
    monkeypatch.setattr(sys, "argv", ["gaoxin", "batches", "--db", str(tmp_path / "x.duckdb")])
    with pytest.raises(SystemExit) as done:
        cli.run()
    assert done.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "secret detail" not in err
    incident = re.search(r"事件编号 ([0-9A-F]{8})", err).group(1)
    text = log.read_text(encoding="utf-8")
    assert f"=== {incident}" in text and "Planted: secret detail" in text and "gaoxin batches" in text


def test_the_cli_boundary_lets_ordinary_refusals_through(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sys, "argv", ["gaoxin", "results", "nope", "--db", str(tmp_path / "x.duckdb")])
    with pytest.raises(SystemExit) as done:
        cli.run()
    assert done.value.code == 1
    err = capsys.readouterr()
    assert "事件编号" not in err.out + err.err  # a refusal the command words itself is not an incident
