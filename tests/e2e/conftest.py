"""Say plainly, at the end of the run, when the browser tests could not run."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "tests/e2e/" in str(r.nodeid)]
    if skipped and not Path(CHROMIUM).exists():
        terminalreporter.write_line(
            f"浏览器测试已跳过 {len(skipped)} 项：{CHROMIUM} 不存在（apt-get install chromium）/ "
            f"{len(skipped)} browser test(s) SKIPPED: {CHROMIUM} is missing",
            yellow=True,
            bold=True,
        )
