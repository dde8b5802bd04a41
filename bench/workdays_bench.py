"""1M deadlines (add N working days) and 1M counts: gaoxin.workdays vs numpy.busday_offset/busday_count.

Like for like on holidays only: numpy's busday functions take a holiday list and a weekmask but cannot express
调休 make-up Saturdays, so the peer gets the same 休 days and no 班 days (its answers differ on those dates).
"""

from __future__ import annotations

import time

import numpy as np

from gaoxin.workdays import calendar


def best(f, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(n: int = 1_000_000) -> None:
    cal = calendar()
    rng = np.random.default_rng(13)
    d = np.datetime64("2020-01-01") + rng.integers(0, 365 * 7, n).astype("timedelta64[D]")
    k = rng.integers(1, 31, n)
    e = d + rng.integers(0, 90, n).astype("timedelta64[D]")
    holidays = np.array([x for x, (day, _) in cal.entries.items() if not day.is_work], dtype="datetime64[D]")
    bdc = np.busdaycalendar(holidays=holidays)
    rows = [
        (
            "add N",
            best(lambda: cal.add(d, k)),
            best(lambda: np.busday_offset(d, k, roll="backward", busdaycal=bdc)),
        ),
        ("count", best(lambda: cal.count(d, e)), best(lambda: np.busday_count(d + 1, e + 1, busdaycal=bdc))),
    ]
    for name, ours, peer in rows:
        print(f"{n:,} {name}: gaoxin {ours:.3f} s · numpy.busday {peer:.3f} s · ratio {ours / peer:.2f}")


if __name__ == "__main__":
    main()
