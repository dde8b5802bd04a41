"""Every test under tests/e2e is a browser test: marked `e2e` and skipped when Debian's Chromium is missing (said
plainly at the end of the run)."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SKIP = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="浏览器测试已跳过：/usr/bin/chromium 不存在（apt-get install chromium）/ browser tests skipped: "
    "/usr/bin/chromium is missing",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(SKIP)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "tests/e2e/" in str(r.nodeid)]
    if skipped and not Path(CHROMIUM).exists():
        terminalreporter.write_line(
            f"浏览器测试已跳过 {len(skipped)} 项：{CHROMIUM} 不存在（apt-get install chromium）/ "
            f"{len(skipped)} browser test(s) SKIPPED: {CHROMIUM} is missing",
            yellow=True,
            bold=True,
        )
