"""What every bench prints beside its figures (issue 20): the warm-up rounds, the repetitions, min and median
(and p95 where a page's tail matters), and the load average before and after — a 2-core machine is noisy, so a
figure without them cannot be compared with the next machine's.

The benches run as scripts (`python bench/x.py`), so this file is imported as the top-level module `timing`.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


@dataclass(frozen=True)
class Timing:
    """Seconds of each counted repetition, after `warmup` uncounted calls."""

    times: tuple[float, ...]
    warmup: int
    # what the last call returned: a bench that also needs the answer need not call once more
    last: object = None

    @property
    def min(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return float(np.percentile(self.times, 95))

    def ms(self) -> str:
        """'12.3 ms min, 13.0 ms median of 5 (warm-up 1)'."""
        return self._spread(1e3, "ms", 1)

    def s(self) -> str:
        return self._spread(1.0, "s", 3)

    def _spread(self, scale: float, unit: str, digits: int) -> str:
        return (
            f"{self.min * scale:.{digits}f} {unit} min, {self.median * scale:.{digits}f} {unit} median "
            f"of {len(self.times)} (warm-up {self.warmup})"
        )


def measure(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> Timing:
    """Call `fn` `warmup` times uncounted, then time `repeat` calls."""
    for _ in range(warmup):
        fn()
    times, last = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - t)
    return Timing(tuple(times), warmup, last)
