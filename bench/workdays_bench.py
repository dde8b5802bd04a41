"""1M working-day deadlines (add N) and 1M counts on the Chinese calendar, against numpy's busday_offset /
busday_count given the same holiday list.

Peer: numpy.busday_offset(roll="forward") and busday_count with the national 休 days as `holidays`. numpy cannot
express 调休 make-up Saturdays/Sundays (a weekmask is the same every week), so the peer's answers differ on
those days; it is a like-for-like floor for the vectorised arithmetic, not a second opinion on the results.
Run: .venv/bin/python bench/workdays_bench.py [--n 1000000]
"""

from __future__ import annotations

import argparse

import numpy as np

from gaoxin.workdays import OFF, calendar, shipped
from timing import load_average, measure


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    n = ap.parse_args().n
    rng = np.random.default_rng(7)
    start = np.datetime64("2020-01-01") + rng.integers(0, 6 * 365, n).astype("timedelta64[D]")
    days = rng.integers(1, 31, n)
    end = start + rng.integers(0, 120, n).astype("timedelta64[D]")
    cal = calendar()
    holidays = np.array([d.date for d in shipped().days if d.kind == OFF], dtype="datetime64[D]")
    print(load_average())
    ours_add = measure(lambda: cal.add(start, days))
    ours_count = measure(lambda: cal.count(start, end))
    peer_add = measure(lambda: np.busday_offset(start, days, roll="forward", holidays=holidays))
    peer_count = measure(lambda: np.busday_count(start + 1, end + 1, holidays=holidays))
    print(f"{n:,} deadlines  add:   gaoxin {ours_add.s()}")
    print(f"{'':>{len(f'{n:,}')}}                numpy.busday_offset {peer_add.s()}")
    print(f"{n:,} spans      count: gaoxin {ours_count.s()}")
    print(f"{'':>{len(f'{n:,}')}}                numpy.busday_count {peer_count.s()}")
    print(
        f"ratios of the medians: add {ours_add.median / peer_add.median:.2f}, "
        f"count {ours_count.median / peer_count.median:.2f} (goal: each ≤ 1 s for 1M on this machine)"
    )
    print(load_average())


if __name__ == "__main__":
    main()
