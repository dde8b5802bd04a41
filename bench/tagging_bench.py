"""产业链标注 throughput (issue 20, item 7): 100k synthetic firms (`chains_eval.synthetic`: real clauses of the
labelled set in random mixes, so nearly every scope is distinct — the hard case for a per-firm cache) tagged by

- `Tagger.tag_many` — what `gaoxin chains tag` runs: distinct scopes normalised and stripped of boilerplate in one
  polars pass, each distinct `;` segment parsed once, each (segment, section, trading-only) matched once;
- `Tagger.tag` one firm at a time (the same caches, without the columnar pass);
- the peer: `Tagger.tag_reference`, the straightforward per-firm reading every text whole (the code before
  issue 20, its clause cache kept) — outputs checked equal to `tag_many` on every firm.

Each repetition starts from a fresh tagger (cold caches; the jieba dictionary load is timed apart). CPU time is
the measure (wall is printed beside: on a shared machine it mostly measures the other tenants).
Goal: `tag_many` ≤ 5 s CPU for 100k firms. Before issue 20, on this 2-core machine: 7.34 s CPU with `tag` (the
`chains_eval.py` throughput, 3 Dec 2026; 15.7 s noted in the issue on a slower run).

    .venv/bin/python bench/tagging_bench.py [--firms 100000] [--reps 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from chains_eval import load, synthetic  # noqa: E402
from gaoxin.chains.packs import load_packs  # noqa: E402
from gaoxin.chains.tagging import Tagger  # noqa: E402

BEFORE_CPU = 7.34  # s CPU, `Tagger.tag` per firm before issue 20, same bench and machine


def timed(fn) -> tuple[float, float, object]:
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return time.process_time() - c0, time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    packs = load_packs()
    firms = synthetic(args.firms, load())
    print(f"{len(firms):,} synthetic firms, {len({s for s, _, _ in firms}):,} distinct scopes")
    t0 = time.perf_counter()
    Tagger(packs)  # warm-up: the first build loads jieba's dictionary
    print(f"warm-up: first tagger build {time.perf_counter() - t0:.2f} s")

    def fresh() -> Tagger:
        return Tagger(packs)

    results: dict[str, list[tuple[float, float]]] = {"tag_many": [], "tag (one by one)": []}
    last = None
    for _ in range(args.reps):
        t = fresh()
        cpu, wall, last = timed(lambda t=t: t.tag_many(firms))
        results["tag_many"].append((cpu, wall))
        t = fresh()
        cpu, wall, _ = timed(lambda t=t: [t.tag(*f) for f in firms])
        results["tag (one by one)"].append((cpu, wall))
    t = fresh()
    cpu, wall, ref = timed(lambda t=t: [t.tag_reference(*f) for f in firms])
    results["peer: tag_reference"] = [(cpu, wall)]
    same = [[x.as_json() for x in a] for a in last] == [[x.as_json() for x in b] for b in ref]

    load1, load5, _ = os.getloadavg()
    print(
        f"repetitions {args.reps} (peer once); load average {load1:.2f} / {load5:.2f} (1 / 5 min), {os.cpu_count()} CPUs"
    )
    print(f"\n{'path':<22}{'min CPU s':>11}{'median CPU s':>14}{'median wall s':>15}{'firms/s':>10}")
    for name, vals in results.items():
        cpus = [c for c, _ in vals]
        walls = [w for _, w in vals]
        print(
            f"{name:<22}{min(cpus):>11.2f}{statistics.median(cpus):>14.2f}{statistics.median(walls):>15.2f}"
            f"{len(firms) / min(cpus):>10,.0f}"
        )
    best = min(c for c, _ in results["tag_many"])
    peer = results["peer: tag_reference"][0][0]
    print(
        f"\noutputs equal to the peer on every firm: {same}; tag_many {peer / best:.1f}× the peer, "
        f"{BEFORE_CPU / best:.1f}× the figure before issue 20 ({BEFORE_CPU} s CPU)"
    )
    print(
        f"goal tag_many ≤ 5 s CPU for 100k firms: {'met' if best <= 5 * len(firms) / 100_000 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
