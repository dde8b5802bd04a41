"""Unexpected errors, kept for the maintainer and never shown to the user: the user gets one line with an
incident id, the log file gets the id, the time, where it happened and the full traceback."""

from __future__ import annotations

import os
import secrets
import traceback
from datetime import datetime
from pathlib import Path


def log_path() -> Path:
    """Where incidents are written: GAOXIN_INCIDENT_LOG, else ~/.gaoxin/incidents.log."""
    return Path(os.environ.get("GAOXIN_INCIDENT_LOG") or Path.home() / ".gaoxin" / "incidents.log")


def record(exc: BaseException, where: str) -> str:
    """Write the error with a new incident id and return the id (writing never raises)."""
    incident = secrets.token_hex(4).upper()
    detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"=== {incident} {datetime.now().isoformat(timespec='seconds')} {where}\n{detail}\n")
    except OSError:
        pass  # an unwritable log must not turn one error into two
    return incident


def message(incident: str) -> str:
    return (
        f"意外错误（事件编号 {incident}），未显示技术细节；详情已记入 {log_path()}。"
        "请把事件编号告诉系统维护人员 / unexpected error, incident "
        f"{incident}"
    )
