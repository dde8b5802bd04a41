"""Hardening (issue 19): the OpenAPI document lists the status codes the routes return — checked by calling
every GET operation — and its timestamps carry their zone."""

from __future__ import annotations

import re

import pytest

UNKNOWN = {"run_id": "0000000000000000", "code": "91000000000000000X", "case_id": "XX-0000-00000"}


@pytest.fixture(scope="module")
def spec(clients):
    return clients["anon"].get("/api/openapi.json").json()


def _gets(spec):
    for path, ops in spec["paths"].items():
        if "get" in ops:
            yield path, ops["get"]


def test_every_api_operation_documents_401_and_the_anonymous_call_gets_it(spec, clients):
    for path, op in _gets(spec):
        assert "401" in op["responses"], path
        url = re.sub(r"\{(\w+)\}", lambda m: UNKNOWN.get(m.group(1), "1"), path)
        assert clients["anon"].get(url).status_code == 401, path


def test_422_is_listed_only_where_a_value_can_fail_validation(spec, clients):
    listed = {path for path, op in _gets(spec) if "422" in op["responses"]}
    assert "/api/runs/{run_id}" not in listed and "/api/schemes/{scheme_id}" not in listed
    for path, op in _gets(spec):
        if "422" in op["responses"] or "{" in path:
            continue
        # no validatable input: junk values in every query parameter never make a 422
        junk = {p["name"]: "§" * 3 for p in op.get("parameters", []) if p["in"] == "query"}
        got = clients["root"].get(path, params=junk).status_code
        assert got != 422 and (got < 400 or str(got) in op["responses"]), (path, got)


def test_an_unknown_id_is_the_documented_404(spec, clients):
    for path, op in _gets(spec):
        if "{" not in path:
            continue
        assert "404" in op["responses"], path
        url = re.sub(r"\{(\w+)\}", lambda m: UNKNOWN.get(m.group(1), "zz-unknown"), path)
        got = clients["root"].get(url).status_code
        assert str(got) in op["responses"] or got == 200, (path, got)


def test_timestamps_are_utc_with_their_offset(spec, clients):
    assert "UTC" in spec["components"]["schemas"]["RunInfo"]["properties"]["created_at"]["description"]
    runs = clients["root"].get("/api/runs").json()
    assert runs and all(r["created_at"].endswith(("Z", "+00:00")) for r in runs)
    batches = clients["root"].get("/api/batches").json()
    assert batches and all(b["imported_at"].endswith(("Z", "+00:00")) for b in batches)
