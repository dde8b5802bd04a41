"""The web's cache policy over the look-up tables of `gaoxin.store.webcache` (when to build and drop them),
the pinyin initials the name search uses, and the shaping of store reads for pages (histograms)."""

from __future__ import annotations

import re
import threading

import duckdb
import numpy as np
import polars as pl
from pypinyin import Style, lazy_pinyin

from gaoxin.jsonable import jsonable
from gaoxin.store import enterprise_list, webcache
from gaoxin.store import overview as store_overview
from gaoxin.store import profile as store_profile
from gaoxin.store import registries as store_registries
from gaoxin.store import runs as store_runs
from gaoxin.web.list_frames import ListFrame

CLASSES = ("A", "B", "C", "D", "T")
MAX_VIEWS = 6
MAX_FRAMES = 2  # list views also held as columns in memory (a frame is the view's size again)
RANKED = ("A", "B", "C", "D")


def initials(name: str | None) -> str:
    """Pinyin initials for search: 江苏捷佳机器人有限公司 → jsjjjqryxgs (Latin letters and digits kept)."""
    if not name:
        return ""
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(ch for ch in "".join(parts).lower() if ch.isascii() and ch.isalnum())


# ---- look-up tables ----------------------------------------------------------------------------------
class RunsState:
    """The latest 亩均 run and the run summaries at one `store_runs.runs_version`, and what pages derive from
    the runs at that version (`derived`): replaced as a whole when a run or a 正式评价 mark is added."""

    def __init__(self, version: tuple, latest: str | None, summaries: list[dict]):
        self.version, self.latest, self.summaries = version, latest, summaries
        self._derived: dict[str, object] = {}

    def derived(self, key: str, build):
        """`build()` once per runs version (runs are immutable: a value derived from them holds until then)."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = build()
            return value


class WebCache:
    """When the look-up tables of `store.webcache` are (re)built and dropped: the firm table when the store's
    data version changes (with the 规上 basis of every firm), one run table per run viewed (runs are immutable), and at most `MAX_VIEWS` list
    views, the least recently built dropped first."""

    def __init__(self, store):
        self.store = store
        self.lock = threading.Lock()
        self.version: tuple | None = None
        self.runs: set[str] = set()
        self.views: dict[str, str] = {}  # run id ('' = none) → table of the list joined with that run
        self.stale: list[str] = []
        self.generation = 0
        self.towns: list[str] = []
        self.industries: list[tuple[str, str]] = []
        self.state: RunsState | None = None  # what is derived from the runs, at one store_runs.runs_version
        self.headers: dict[str, dict] = {}  # run id → header (runs are immutable)
        self.labels: dict[str, tuple[dict, dict]] = {}  # run id → its item and note texts (`run_labels`)
        self.by_version: dict[str, tuple] = {}  # key → (data version, value): `at_data_version`
        self.frames: dict[str, ListFrame] = {}  # view table → the view in memory, least recently read first

    def check(self, cur: duckdb.DuckDBPyConnection) -> RunsState:
        """`ensure` and `runs_state` with both versions read in one query: what a page that lists firms and
        shows runs calls first (later `view`s and `runs_state(cur, state.version)`s of the request read none)."""
        data, runs = webcache.versions(cur)
        self.ensure(cur, data)
        return self.runs_state(cur, runs)

    def ensure(self, cur: duckdb.DuckDBPyConnection, version: tuple | None = None) -> None:
        """Make `webcache.firm` current (cheap when nothing changed); `version`: the data version this request
        read already."""
        if version is None:
            version = webcache.data_version(cur)
        if version == self.version:
            return
        with self.lock:
            if version == self.version:
                return
            self._refresh_names(cur)
            self.towns, self.industries = webcache.build_firm_table(cur)
            webcache.build_scale_basis_table(cur)
            # a request may still read a view of the previous generation: drop the one before it
            for name in self.stale:
                webcache.drop_table(cur, name)
                self.frames.pop(name, None)
            self.stale = list(self.views.values())
            self.views = {}
            self.generation += 1
            self.version = version

    def runs_state(self, cur: duckdb.DuckDBPyConnection, version: tuple | None = None) -> RunsState:
        """What is derived from the stored runs, checked against the store once (one query, none when the
        request read the runs `version` already): a page reads the latest run, the run picker and anything else
        it derives from runs (`RunsState.derived`) from it."""
        if version is None:
            version = store_runs.runs_version(cur)
        state = self.state
        if state is None or state.version != version:
            state = RunsState(version, store_runs.latest_run(cur), store_runs.run_summaries(cur))
            with self.lock:
                self.state = state
        return state

    def latest_run(self, cur: duckdb.DuckDBPyConnection) -> str | None:
        """`store_runs.latest_run`, read again only when a run or an official mark was added."""
        return self.runs_state(cur).latest

    def run_summaries(self, cur: duckdb.DuckDBPyConnection) -> list[dict]:
        """`store_runs.run_summaries` (亩均 runs), read again only when a run or an official mark was added."""
        return self.runs_state(cur).summaries

    def get_run(self, cur: duckdb.DuckDBPyConnection, run_id: str) -> dict | None:
        """`store_runs.get_run` of a 亩均 run, kept by id (a stored run never changes)."""
        return self._per_run(self.headers, run_id, lambda: store_runs.get_run(cur, run_id))

    def run_labels(self, cur: duckdb.DuckDBPyConnection, run_id: str) -> tuple[dict, dict]:
        """`store_runs.run_labels`, kept by run id (a stored run never changes)."""
        return self._per_run(self.labels, run_id, lambda: store_runs.run_labels(cur, run_id))

    @staticmethod
    def _per_run(kept: dict, run_id: str, read):
        """`read()` once per run id (at most 1024 kept; a run not found is read again next time)."""
        found = kept.get(run_id)
        if found is None:
            found = read()
            if found is not None and len(kept) < 1024:
                kept[run_id] = found
        return found

    def at_data_version(self, key: str, build):
        """`build()` once per data version (what only an import can change: a new batch bumps the version); a
        value read while a newer batch is committed holds at least what the version it is kept under holds."""
        found = self.by_version.get(key)
        if found is None or found[0] != self.version:
            found = (self.version, build())
            self.by_version[key] = found
        return found[1]

    def batch_sources(self, cur: duckdb.DuckDBPyConnection) -> dict[int, tuple[str, str]]:
        """`store_profile.batch_sources` (a batch never changes; one committed after this was read is looked up
        by the reader itself)."""
        return self.at_data_version("batch_sources", lambda: store_profile.batch_sources(cur))

    def registered_firms(self, cur: duckdb.DuckDBPyConnection) -> frozenset[str]:
        """`store.registries.registered_firms` (every register write is an import batch)."""
        return self.at_data_version("registered_firms", lambda: store_registries.registered_firms(cur))

    def _refresh_names(self, cur: duckdb.DuckDBPyConnection) -> None:
        todo = webcache.names_without_initials(cur)
        if not todo:
            return
        df = pl.DataFrame(
            {
                "uscc": [r[0] for r in todo],
                "name": [r[1] for r in todo],
                "initials": [initials(r[1]) for r in todo],
            },
            schema={"uscc": pl.Utf8, "name": pl.Utf8, "initials": pl.Utf8},
        )
        with self.store.write_lock:
            webcache.put_initials(cur, df)

    def ensure_run(self, cur: duckdb.DuckDBPyConnection, run: dict) -> None:
        run_id = run["run_id"]
        if run_id in self.runs:
            return
        with self.lock:
            if run_id in self.runs:
                return
            keys = indicator_keys(run)
            webcache.build_run_table(cur, run_id, keys["tax_per_mu"], keys["va_per_mu"])
            self.runs.add(run_id)

    def view(self, cur: duckdb.DuckDBPyConnection, run: dict | None, checked: bool = False) -> str:
        """A table holding the enterprise list with one run's result columns (one table scan per page view
        instead of a join); built on first use, the least recently built dropped beyond `MAX_VIEWS`.
        `checked`: this request called `check` already."""
        if not checked:
            self.ensure(cur)
        key = run["run_id"] if run else ""
        name = self.views.get(key)
        if name is not None:
            return name
        if run:
            self.ensure_run(cur, run)
        with self.lock:
            name = self.views.get(key)
            if name is not None:
                return name
            name = f"v{self.generation}_" + (re.sub(r"[^0-9a-zA-Z]", "", key)[:32] or "none")
            webcache.build_view(cur, name, key or None)
            self.views[key] = name
            while len(self.views) > MAX_VIEWS:
                oldest = next(iter(self.views))
                dropped = self.views.pop(oldest)
                webcache.drop_table(cur, dropped)
                self.frames.pop(dropped, None)
            return name

    def page(self, cur: duckdb.DuckDBPyConnection, table: str, query) -> tuple[list[dict], dict, int]:
        """(rows, 规上 basis, matching firms) of a list page, worked over the view held in memory
        (`list_frames.ListFrame`; the `MAX_FRAMES` views last read are kept, a view dropped takes its frame)."""
        with self.lock:
            found = self.frames.pop(table, None)
        if found is None:
            found = ListFrame(enterprise_list.view_frame(cur, table))
        with self.lock:
            self.frames[table] = found  # the last read at the end: the oldest goes first
            while len(self.frames) > MAX_FRAMES:
                self.frames.pop(next(iter(self.frames)))
        return found.page(query)

    def forget(self) -> None:
        self.version = None


def indicator_keys(run: dict) -> dict[str, list[str]]:
    """Run item keys of 亩均税收 / 亩均增加值 in each list (by indicator id or title)."""
    out: dict[str, list[str]] = {"tax_per_mu": [], "va_per_mu": []}
    titles = {"tax_per_mu": "亩均税收", "va_per_mu": "亩均增加值"}
    for it in (run.get("summary") or {}).get("items", []):
        if it.get("kind", "indicator") != "indicator":
            continue
        key = str(it.get("key", ""))
        for name, title in titles.items():
            if key.split(".")[-1] == name or it.get("title") == title:
                out[name].append(key)
    return out


# ---- runs --------------------------------------------------------------------------------------------
MUJUN = "mujun"  # the pages show 亩均 runs; other kinds (cultivation, zones) are listed on the runs page only


def compared_runs(
    cur: duckdb.DuckDBPyConnection, cache: WebCache, a: str, b: str
) -> tuple[dict, dict] | None:
    """The two 亩均 runs of a comparison with their cached result tables ready; None when either is unknown."""
    run_a, run_b = store_runs.get_run(cur, a), store_runs.get_run(cur, b)
    if run_a is None or run_b is None:
        return None
    cache.ensure(cur)
    cache.ensure_run(cur, run_a)
    cache.ensure_run(cur, run_b)
    return run_a, run_b


def overview(cur: duckdb.DuckDBPyConnection, run: dict, town: str | None, prev: dict | None) -> dict:
    """The overview of a run with its 亩均 distributions as histograms."""
    data = store_overview.overview(cur, run, town, prev)
    data["dist"] = {col: histogram(vals) for col, vals in data["dist"].items()}
    return data


def histogram(vals: np.ndarray, bins: int = 20) -> dict:
    """Bins over the 1st–99th percentile (a few extreme firms would squash the rest into one bar)."""
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return {"labels": [], "counts": [], "n": 0, "median": None, "mean": None}
    lo, hi = np.percentile(vals, [1, 99]) if vals.size >= 50 else (vals.min(), vals.max())
    lo = min(lo, 0.0) if lo >= 0 and lo < (hi - lo) * 0.1 else lo
    if not hi > lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, bins + 1)
    counts, _ = np.histogram(np.clip(vals, lo, hi), edges)
    digits = 0 if hi - lo >= 40 else (1 if hi - lo >= 4 else 2)
    labels = [f"{edges[i]:.{digits}f}–{edges[i + 1]:.{digits}f}" for i in range(bins)]
    # the end bins hold the firms folded in from beyond the 1st / 99th percentile: open ranges, not closed ones
    below, above = int((vals < lo).sum()), int((vals > hi).sum())
    if below:
        labels[0] = f"≤ {edges[1]:.{digits}f}"
    if above:
        labels[-1] = f"≥ {edges[-2]:.{digits}f}"
    return {
        "labels": labels,
        "folded": {"below": below, "above": above, "lo": float(lo), "hi": float(hi)},
        "counts": [int(c) for c in counts],
        "n": int(vals.size),
        "median": float(np.median(vals)),
        "mean": float(vals.mean()),
    }


# ---- profile -------------------------------------------------------------------------------------------


clean = jsonable  # one JSON rule for CLI, API and pages (gaoxin.jsonable)
