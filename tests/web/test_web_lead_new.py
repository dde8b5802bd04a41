"""登记线索 from the web (issue 15: a lead could be entered only with `gaoxin leads add`): the form enters the
lead with a chain node chosen from the packs, refuses what the CLI refuses keeping what was typed, and only
administrators and analysts may use it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_support import csrf_of, login

from gaoxin.cases.projects import chain_nodes


def test_a_lead_entered_from_the_form_names_its_chain_node(fresh):
    app, client = fresh("ana")
    page = client.get("/leads/new")
    assert page.status_code == 200 and 'id="chain-node"' in page.text
    node = chain_nodes.choices()[0]
    assert f'value="{node["node"]}"' in page.text  # every pack's nodes are offered
    token = csrf_of(client)
    form = {"csrf_token": token, "title": "电驱系统项目", "firm_name": "某电驱科技", "source": "以商招商",
            "chain_node": node["node"], "investment_wan": "12000", "land_mu": "60", "next_due": "2026-12-31"}  # fmt: skip
    res = client.post("/leads/new", data=form, follow_redirects=False)
    assert res.status_code == 303
    lead = res.headers["location"].rsplit("/", 1)[1]
    view = client.get(f"/api/leads/{lead}").json()
    assert view["case"]["title"] == "电驱系统项目" and view["case"]["source"] == "以商招商"
    assert (
        view["case"]["fields"]["investment_wan"] == 12000
        and view["case"]["fields"]["chain_node"] == node["node"]
    )
    shown = client.get(f"/leads/{lead}").text
    assert f"#node-{node['node']}" in shown  # linked to the chain map

    bad = client.post("/leads/new", data={**form, "investment_wan": "-5"}, follow_redirects=False)
    assert bad.status_code == 400 and "不能为负数" in bad.text
    assert 'value="电驱系统项目"' in bad.text  # what was typed is kept
    unknown = client.post("/leads/new", data={**form, "chain_node": "不存在的环节"}, follow_redirects=False)
    assert unknown.status_code == 400 and re.search(r"环节|gaoxin chains map", unknown.text)


def test_only_writers_enter_leads(fresh):
    app, _ = fresh("ana")
    for who in ("vic", "tom"):
        other = TestClient(app)
        assert login(other, who).status_code == 303
        assert 'id="new-lead"' not in other.get("/leads/new").text
        res = other.post(
            "/leads/new", data={"csrf_token": csrf_of(other), "title": "x"}, follow_redirects=False
        )
        assert res.status_code == 403
