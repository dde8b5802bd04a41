"""Small pieces: English for every Chinese label, pinyin initials, the histogram, list-query SQL, upload checks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np

from gaoxin.store.enterprise_list import ListQuery
from gaoxin.web import i18n
from gaoxin.web.queries import histogram, initials
from gaoxin.web.routes.imports import check_type, safe_name

WEB = Path(i18n.__file__).parent


def _template_labels() -> set[str]:
    found = set()
    for path in (WEB / "templates").glob("*.html"):
        found |= set(re.findall(r"""_\(\s*["']([^"']+)["']\s*\)""", path.read_text(encoding="utf-8")))
    return found


def _code_labels() -> set[str]:
    """Chinese strings the code hands to templates that translate them (errors, titles, chart names)."""
    found = set()
    for path in WEB.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def test_every_label_has_english():
    labels = (
        _template_labels() | _code_labels() | set(i18n.ROLE_LABELS.values()) | set(i18n.DISPOSITIONS.values())
    )
    assert len(labels) > 150
    missing = sorted(t for t in labels if re.search(r"[\u4e00-\u9fff]", t) and t not in i18n.EN)
    assert missing == []


def test_page_errors_have_english():
    from gaoxin.web.routes import imports

    source = Path(imports.__file__).read_text(encoding="utf-8")
    for text in (
        "请选择至少一个文件",
        "文件过多",
        "预览已过期，请重新上传",
        "文件类型不支持（只接受 xlsx、xls、xlsb、ods、csv）",
        "文件内容与扩展名不符",
    ):
        assert text in source and text in i18n.EN


def test_language_choice():
    assert i18n.pick_lang("en", "zh") == "en"
    assert i18n.pick_lang(None, "en") == "en"
    assert i18n.pick_lang("fr", None) == "zh"
    assert i18n.translate("企业", "en") == "Enterprises" and i18n.translate("企业", "zh") == "企业"


def test_initials():
    assert initials("江苏捷佳机器人有限公司") == "jsjjjqryxgs"
    assert initials("ABC（苏州）科技有限公司") == "abcszkjyxgs"
    assert initials("重庆长安汽车") == "cqcaqc"  # phrases pick the right reading of 重 and 长
    assert initials(None) == "" and initials("") == ""


def test_histogram_bins_and_outliers():
    vals = np.concatenate([np.linspace(0, 10, 990), [1e6] * 10])
    h = histogram(vals, bins=10)
    assert sum(h["counts"]) == 1000 and h["n"] == 1000 and len(h["labels"]) == 10
    assert h["counts"][-1] >= 10  # the extreme firms are clipped into the last bar, not lost
    assert histogram(np.array([]))["counts"] == []
    assert histogram(np.array([5.0, 5.0]))["counts"][0] == 2


def test_list_query_sql():
    q = ListQuery(q="jsjj", town="梅山镇", klass="A", run_id="r1", scale="above", scope_town="龙泉镇")
    where, params = q.where()
    assert "f.town = ?" in where and params[0] == "龙泉镇"  # the role's town wins over the filter
    assert "contains(f.initials, ?)" in where and "jsjj" in params
    assert "f.class_final = ?" in where and "f.above_scale" in where
    where, params = ListQuery(q="9133").where()
    assert "starts_with(f.uscc, ?)" in where and "9133" in params
    where, params = ListQuery(q="有限公司").where()
    assert "starts_with" not in where and "initials" not in where
    assert ListQuery(sort="score", desc=True).order().startswith("f.score DESC NULLS LAST")
    assert ListQuery(sort="'; DROP TABLE x").order() == ListQuery().order()  # only known sorts


def test_upload_checks():
    assert check_type("a.xlsx", b"PK\x03\x04rest") is None
    assert check_type("a.xls", b"\xd0\xcf\x11\xe0rest") is None
    assert check_type("a.csv", "统一社会信用代码,名称\n".encode()) is None
    assert check_type("a.exe", b"MZ") is not None
    assert check_type("a.xlsx", b"<html>") is not None
    assert check_type("a.csv", b"a\x00b") is not None
    assert safe_name("../../etc/税务局.xlsx") == "税务局.xlsx"
    assert safe_name("C:\\Users\\x\\统计局.xlsx") == "统计局.xlsx"
    assert safe_name("..") == "upload"


def test_settings_and_pages_are_documented():
    from gaoxin.web.deps import WebSettings

    doc = (WEB / "README.md").read_text(encoding="utf-8")
    for name in WebSettings.model_fields:
        assert f"GAOXIN_WEB_{name.upper()}" in doc, name
    for path in (
        "/overview",
        "/enterprises",
        "/imports",
        "/runs",
        "/schemes",
        "/admin/users",
        "/api/openapi.json",
    ):
        assert path in doc
