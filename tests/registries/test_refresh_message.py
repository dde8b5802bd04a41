"""What a user is told after an import that still carried 研发机构级别 codes: the same facts in Chinese for the
command line (its commands) and the web upload (the 创新登记 page), and in English on English pages."""

from __future__ import annotations

from gaoxin.registries.refresh import Refreshed


def test_nothing_to_say_without_codes():
    assert Refreshed(converted=0, coded=0).message() is None
    assert Refreshed(converted=0, coded=0).message(web=True, english=True) is None


def test_the_message_names_the_counts_and_the_next_step_for_each_face():
    done = Refreshed(converted=2, coded=3)
    cli, web, en = done.message(), done.message(web=True), done.message(web=True, english=True)
    assert "3 个“研发机构级别”代码" in cli and "待核实的 2 条记录" in cli and "gaoxin registry import" in cli
    assert "待核实的 2 条记录" in web and "「创新登记」页" in web and "gaoxin" not in web
    assert "3 codes" in en and "2 became records to verify" in en and "Registers" in en
    already = Refreshed(converted=0, coded=1)  # the register already held these rows
    assert "台账中已有对应的待核实记录" in already.message(web=True)
    assert "already holds matching records" in already.message(english=True)
