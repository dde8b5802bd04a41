"""Temporary folders the web app makes (upload previews, ticket imports, exports, backups): swept when the app
starts, so a failure or a stop mid-upload leaves nothing on the disk for long."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

PREFIXES = ("gaoxin-upload-", "gaoxin-tickets-", "gaoxin-export-", "gaoxin-report-", "gaoxin-backup-")


def sweep(older_than_s: float, root: Path | None = None) -> int:
    """Remove this app's temporary folders older than `older_than_s` seconds; returns how many went."""
    root = Path(root or tempfile.gettempdir())
    cutoff, gone = time.time() - older_than_s, 0
    for d in root.iterdir():
        try:
            if d.is_dir() and d.name.startswith(PREFIXES) and d.stat().st_mtime < cutoff:
                shutil.rmtree(d, ignore_errors=True)
                gone += 1
        except OSError:
            continue  # another process's folder vanished meanwhile
    return gone
