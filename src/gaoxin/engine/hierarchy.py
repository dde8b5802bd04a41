"""Indicator hierarchy spec (COINr iMeta, plus what the Chinese schemes need).

* ``Indicator``: a leaf, one column of X. ``weight`` is its relative weight inside its parent group and
  ``multiplier`` the official relative 赋权 (0.8 / 1.0 / 1.2): the share inside the group is
  weight·multiplier / Σ_siblings weight·multiplier, so multipliers never change a group's total weight.
  ``direction``: "benefit" | "cost" | "target" (中间型, needs ``target``) | "band" (区间型, needs ``band``).
  ``unit`` and ``name`` are descriptive; ``goalposts[period] = (worst, best)`` and ``benchmarks[period]``
  give fixed, year-specific reference values (what makes scores comparable across years).
* ``Group``: an inner node (dimension / sub-index) with its own ``weight``/``multiplier`` among siblings;
  ``parent=None`` attaches it to the root index.
* ``Hierarchy`` validates the tree (unique codes, known parents, no cycles, no empty groups, positive
  total weight among siblings) and gives effective weights, kinds/types, positivisation, goalposts and the
  bottom-up aggregation with the score of every group (the official results rank each dimension too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ._validate import as_matrix
from .aggregate import METHODS as _AGG
from .positivize import KINDS, positivize
from .provenance import StageRecord, finish

ROOT = "index"


@dataclass(frozen=True)
class Indicator:
    code: str
    parent: str | None = None
    weight: float = 1.0
    multiplier: float = 1.0
    direction: str = "benefit"
    target: float | None = None
    band: tuple[float, float] | None = None
    unit: str = ""
    name: str = ""
    goalposts: Mapping = field(default_factory=dict)
    benchmarks: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Group:
    code: str
    parent: str | None = None
    weight: float = 1.0
    multiplier: float = 1.0
    name: str = ""


def _check_direction(ind: Indicator) -> None:
    if ind.direction not in KINDS:
        raise ValueError(f"{ind.code}: direction must be one of {KINDS}")
    if ind.direction == "target" and ind.target is None:
        raise ValueError(f"{ind.code}: direction 'target' needs target=")
    if ind.direction == "band" and ind.band is None:
        raise ValueError(f"{ind.code}: direction 'band' needs band=(a, b)")


class Hierarchy:
    """A validated indicator tree; the column order of X is the order of ``indicators``."""

    def __init__(self, indicators: Sequence[Indicator], groups: Sequence[Group] = ()):
        self.indicators = tuple(indicators)
        self.groups = tuple(groups)
        if not self.indicators:
            raise ValueError("a hierarchy needs at least one indicator")
        codes = [i.code for i in self.indicators] + [g.code for g in self.groups]
        dup = {c for c in codes if codes.count(c) > 1}
        if dup or ROOT in codes:
            raise ValueError(f"duplicate or reserved codes: {sorted(dup | ({ROOT} & set(codes)))}")
        group_codes = {g.code for g in self.groups}
        nodes: tuple[Indicator | Group, ...] = (*self.indicators, *self.groups)
        self._parent: dict[str, str] = {}
        for node in nodes:
            p = node.parent if node.parent is not None else ROOT
            if p != ROOT and p not in group_codes:
                raise ValueError(f"{node.code}: unknown parent {p!r}")
            for v, nm in ((node.weight, "weight"), (node.multiplier, "multiplier")):
                if not np.isfinite(v) or v < 0:
                    raise ValueError(f"{node.code}: {nm} must be finite and >= 0")
            self._parent[node.code] = p
        for ind in self.indicators:
            _check_direction(ind)
        self._check_acyclic()
        self._children: dict[str, list[str]] = {ROOT: []}
        for grp in self.groups:
            self._children[grp.code] = []
        for node in nodes:
            self._children[self._parent[node.code]].append(node.code)
        for g, ch in self._children.items():
            if not ch:
                raise ValueError(f"group {g!r} has no members")
        self._node: dict[str, Indicator | Group] = {n.code: n for n in nodes}
        for g, ch in self._children.items():
            if sum(self._node[c].weight * self._node[c].multiplier for c in ch) <= 0:
                raise ValueError(f"group {g!r}: members' weights sum to 0")

    def _check_acyclic(self) -> None:
        for code in self._parent:  # every path must reach the root
            seen, c = set(), code
            while c != ROOT:
                if c in seen:
                    raise ValueError(f"cycle through {code!r}")
                seen.add(c)
                c = self._parent[c]

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping]) -> Hierarchy:
        """Build from COINr-iMeta-like rows: {"code", "parent", "type": "indicator"|"group", "weight", …}."""
        inds, grps = [], []
        for r in rows:
            r = dict(r)
            kind = r.pop("type", "indicator")
            if kind == "indicator":
                if "band" in r and r["band"] is not None:
                    r["band"] = tuple(r["band"])
                inds.append(Indicator(**r))
            elif kind == "group":
                grps.append(Group(**r))
            else:
                raise ValueError(f"row type must be 'indicator' or 'group', got {kind!r}")
        return cls(inds, grps)

    # --- structure -------------------------------------------------------------------------------------
    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    @property
    def group_codes(self) -> list[str]:
        return [g.code for g in self.groups]

    def parent(self, code: str) -> str:
        return self._parent[code]

    def children(self, code: str = ROOT) -> list[str]:
        return list(self._children[code])

    def depth(self, code: str) -> int:
        d, c = 0, code
        while c != ROOT:
            c, d = self._parent[c], d + 1
        return d

    def local_weights(self, code: str = ROOT) -> dict[str, float]:
        """Shares of the members of a group: weight·multiplier normalised to sum 1."""
        ch = self._children[code]
        raw = np.array([self._node[c].weight * self._node[c].multiplier for c in ch])
        return dict(zip(ch, raw / raw.sum(), strict=True))

    def effective_weights(self) -> np.ndarray:
        """Weight of each indicator in the index (product of local shares along the path); sums to 1."""
        local: dict[str, float] = {}
        for g in (ROOT, *self.group_codes):
            local.update(self.local_weights(g))
        out = np.empty(len(self.indicators))
        for j, ind in enumerate(self.indicators):
            w, c = 1.0, ind.code
            while c != ROOT:
                w *= local[c]
                c = self._parent[c]
            out[j] = w
        return out

    # --- directions and reference values ------------------------------------------------------------
    def kinds(self) -> list[str]:
        return [i.direction for i in self.indicators]

    def types(self) -> np.ndarray:
        """±1 per indicator; raises if a target/band indicator has not been positivised first."""
        k = self.kinds()
        if any(x in ("target", "band") for x in k):
            raise ValueError("target/band indicators have no ±1 type: call positivize() and use all +1")
        return np.array([1.0 if x == "benefit" else -1.0 for x in k])

    def positivize(self, X, cost: str = "reflect", return_info: bool = False):
        """Apply each indicator's direction (see gaoxin.engine.positivize); result is all benefit."""
        return positivize(
            X,
            self.kinds(),
            [i.target for i in self.indicators],
            [i.band for i in self.indicators],
            cost=cost,
            return_info=return_info,
        )

    def goalposts(self, period) -> tuple[np.ndarray, np.ndarray]:
        """(worst, best) arrays for ``period``; raises naming the indicators that lack them."""
        missing = [i.code for i in self.indicators if period not in i.goalposts]
        if missing:
            raise ValueError(f"no goalposts for period {period!r}: {missing}")
        gp = np.array([i.goalposts[period] for i in self.indicators], dtype=float)
        return gp[:, 0], gp[:, 1]

    def benchmarks(self, period) -> np.ndarray:
        missing = [i.code for i in self.indicators if period not in i.benchmarks]
        if missing:
            raise ValueError(f"no benchmarks for period {period!r}: {missing}")
        return np.array([i.benchmarks[period] for i in self.indicators], dtype=float)

    # --- aggregation -----------------------------------------------------------------------------------
    def aggregate(self, Y, method: str | Mapping[str, str] = "arithmetic", return_info: bool = False):
        """Aggregate a normalised (benefit-oriented) matrix bottom-up.

        ``method``: one name for every group, or a mapping group code → name (missing groups use
        "arithmetic"; the root is ``"index"``). Returns ``(index_scores, group_scores)`` where
        group_scores maps every group code to its (m,) scores. With arithmetic everywhere the index equals
        ``Y @ effective_weights()``; nested geometric equals flat geometric with the effective weights.
        """
        A = as_matrix(Y, "Y")
        if A.shape[1] != len(self.indicators):
            raise ValueError(f"Y has {A.shape[1]} columns, the hierarchy {len(self.indicators)} indicators")
        col = {c: A[:, j] for j, c in enumerate(self.codes)}
        scores: dict[str, np.ndarray] = {}

        def node_scores(code: str) -> np.ndarray:
            if code in col:
                return col[code]
            if code in scores:
                return scores[code]
            ch = self._children[code]
            lw = self.local_weights(code)
            M = np.column_stack([node_scores(c) for c in ch])
            name = method if isinstance(method, str) else method.get(code, "arithmetic")
            if name not in _AGG:
                raise ValueError(f"group {code!r}: unknown aggregation {name!r}")
            scores[code] = _AGG[name](M, np.array([lw[c] for c in ch]))
            return scores[code]

        index = node_scores(ROOT)
        groups = {g: scores[g] for g in self.group_codes}
        rec = StageRecord(
            "aggregate",
            "hierarchy",
            {"method": method if isinstance(method, str) else dict(method)},
            {"effective_weights": self.effective_weights(), "group_scores": groups},
        )
        return finish((index, groups), rec, return_info)
