"""Process set-up: glibc malloc keeps freed memory for reuse (what the gaoxin command applies at start)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc settings are Linux-only")
def test_keep_freed_memory_applies_on_glibc_and_freed_blocks_are_reused():
    # in a child process: the setting is process-wide. A freed 64 MB block comes back from the heap instead of a
    # fresh mmap, so touching it again causes (almost) no new page faults.
    code = """
import resource, numpy as np
from gaoxin.runtime import keep_freed_memory
assert keep_freed_memory()
a = np.ones(8_000_000); del a
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
b = np.ones(8_000_000)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""
    faults = int(
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    )
    assert faults < 200  # a fresh 64 MB mapping takes thousands of faults (4 KiB pages) or ~32+ (huge pages)
