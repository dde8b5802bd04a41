"""1M working-day deadlines (add N) and 1M counts on the Chinese calendar, against numpy's busday_offset /
busday_count given the same holiday list.

Peer: numpy.busday_offset(roll="forward") and busday_count with the national 休 days as `holidays`. numpy cannot
express 调休 make-up Saturdays/Sundays (a weekmask is the same every week), so the peer's answers differ on
those days; it is a like-for-like floor for the vectorised arithmetic, not a second opinion on the results.
Run: .venv/bin/python bench/workdays_bench.py [--n 1000000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from gaoxin.workdays import OFF, calendar, shipped


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


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
    cal.add(start[:10], days[:10])  # warm
    ours_add = best(lambda: cal.add(start, days))
    ours_count = best(lambda: cal.count(start, end))
    peer_add = best(lambda: np.busday_offset(start, days, roll="forward", holidays=holidays))
    peer_count = best(lambda: np.busday_count(start + 1, end + 1, holidays=holidays))
    print(
        f"{n:,} deadlines  add:   gaoxin {ours_add:.3f} s   numpy.busday_offset {peer_add:.3f} s   "
        f"ratio {ours_add / peer_add:.2f}"
    )
    print(
        f"{n:,} spans      count: gaoxin {ours_count:.3f} s   numpy.busday_count  {peer_count:.3f} s   "
        f"ratio {ours_count / peer_count:.2f}"
    )
    print("goal: each ≤ 1 s for 1M on this machine")


if __name__ == "__main__":
    main()
