"""亩均 result types: items, per-item trace blocks, class groups and the run result."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

T = "T"
READ_KEYS = (
    "uscc",
    "town",
    "industry_code",
    "registered_on",
)  # the attributes scoring reads (name only passes through)

# note codes shared by indicator blocks (texts are per block, formatted with the item's numbers)
N_OK, N_MISS_NUM, N_MISS_DEN, N_ZERO_DEN, N_CAPPED, N_FLOORED, N_BAD_BENCH, N_NONPOS_LOWER = range(8)


# ---------------------------------------------------------------------------------------------------------
# result types
@dataclass(frozen=True)
class ItemInfo:
    """One scored item of one list: an indicator or a 加减分 item."""

    key: str  # "规上.tax_per_mu" / "规上.adjustment.rd_bonus"
    list_id: str
    item_id: str
    kind: str  # "indicator" | "adjustment"
    title: str
    title_en: str
    unit: str
    weight: float  # NaN for adjustments
    direction: str
    method: str  # ratio | minmax | percentile | points | percent | value
    benchmark_method: str
    clause: str  # scheme clause id, e.g. "list.规上.indicator.tax_per_mu"
    ref: str  # the source document's clause, as written in the scheme


@dataclass
class ItemBlock:
    """Trace rows of one item: one row per firm of the list (adjustments: firms it applied to)."""

    item: int  # index into MujunResult.items
    firm: np.ndarray  # int64 firm indices, ascending
    value: np.ndarray  # indicator value in display units (NaN = missing)
    numerator: np.ndarray  # canonical units
    denominator: np.ndarray
    benchmark: np.ndarray  # display units (NaN for minmax / percentile / adjustments)
    raw_score: np.ndarray
    score: np.ndarray  # after cap/floor and missing rule
    note_code: np.ndarray  # int8 index into note_texts
    note_texts: tuple[str, ...]

    def notes(self) -> np.ndarray:
        return np.asarray(self.note_texts, dtype=object)[self.note_code]


@dataclass(frozen=True)
class ClassGroup:
    """A set of firms classified together, with the realised cut-off score of each class."""

    key: str  # "规上" / "规上|39" / "*" (all lists pooled)
    list_ids: tuple[str, ...]
    group: str  # "" or the industry code / town
    method: str  # share | threshold
    n: int
    cutoffs: dict[str, float]  # label → lowest total among firms initially in that class or better


@dataclass
class MujunResult:
    scheme_id: str
    scheme_sha256: str
    period: str
    n: int
    uscc: np.ndarray
    name: np.ndarray
    town: np.ndarray
    industry_code: np.ndarray
    list_id: np.ndarray  # object: list id, None when not evaluated (T)
    candidate_list: np.ndarray  # object: the list whose condition matched, even when T (None: none)
    evaluated: np.ndarray  # bool
    t_reason: np.ndarray  # object: why T ("" when evaluated)
    land_mu: np.ndarray
    base_score: np.ndarray  # Σ item scores (NaN for T)
    adjustment: np.ndarray  # 加减分 total (NaN for T)
    score: np.ndarray  # base + adjustment (NaN for T)
    rank: np.ndarray  # int64 rank within the list, 1 = best, ties share the best rank; 0 for T
    list_size: np.ndarray  # int64 number of evaluated firms in the firm's list; 0 for T
    class_initial: np.ndarray  # object "A".."D" / "T"
    class_final: np.ndarray  # after protections and vetoes
    reasons: np.ndarray  # object: Chinese reasons for T / protections / vetoes, joined by "；"
    clauses: np.ndarray  # object: scheme clause ids that set the final class, joined by "," (e.g.
    #                      "classes,protection.major_project,veto.dishonest"; T: "population.exclude.utilities")
    class_group: np.ndarray  # int32 index into class_groups; -1 for T
    class_groups: list[ClassGroup]
    policy: dict[str, np.ndarray]  # policy item id → amount per firm (its amount_unit)
    items: list[ItemInfo]
    blocks: list[ItemBlock]
    item_stats: dict[str, dict]  # item key → benchmark / min / max / mean score used
    class_labels: tuple[str, ...]
    class_names: dict[str, str]
    counts: dict[str, int]
    counts_by_list: dict[str, dict[str, int]]
    warnings: list[str] = field(default_factory=list)
    # adjustment pieces kept for what_if: per list id → list of (adj index, firm idx, pts, pct)
    _adj_parts: dict = field(default_factory=dict, repr=False)

    # -- convenience ----------------------------------------------------------------------------------------
    def item_index(self, key: str) -> int:
        for i, it in enumerate(self.items):
            if it.key == key:
                return i
        raise KeyError(f"no item {key!r}; items: {[it.key for it in self.items]}")

    def block(self, key: str) -> ItemBlock:
        idx = self.item_index(key)
        for b in self.blocks:
            if b.item == idx:
                return b
        raise KeyError(key)

    def item_values(self, key: str, column: str = "value") -> np.ndarray:
        """A full-length column (value, score, benchmark, …) of one item; NaN for firms outside it."""
        b = self.block(key)
        out = np.full(self.n, np.nan)
        out[b.firm] = getattr(b, column)
        return out

    def trace_columns(self, strings: bool = True) -> dict[str, np.ndarray]:
        """All trace rows in long form (for ``run_item``): firm, item (index into ``items``), value, numerator,
        denominator, benchmark, raw_score, score, weight, note and clause (object arrays of str).

        ``strings=False`` gives ``note_code`` (int32 index into the returned ``note_texts``) instead of the
        note/clause strings — cheaper to move into a database as a dictionary-encoded column; the clause is
        ``items[item].clause``."""
        blocks = self.blocks
        out: dict[str, np.ndarray] = {}
        if not blocks:
            for k in ("firm", "item", "note_code"):
                out[k] = np.empty(0, dtype=np.int64)
            for k in ("value", "numerator", "denominator", "benchmark", "raw_score", "score", "weight"):
                out[k] = np.empty(0)
            if strings:
                out["note"] = np.empty(0, dtype=object)
                out["clause"] = np.empty(0, dtype=object)
            else:
                out["note_texts"] = np.empty(0, dtype=object)
            return out
        out["firm"] = np.concatenate([b.firm for b in blocks])
        out["item"] = np.concatenate([np.full(b.firm.shape[0], b.item, dtype=np.int32) for b in blocks])
        for k in ("value", "numerator", "denominator", "benchmark", "raw_score", "score"):
            out[k] = np.concatenate([getattr(b, k) for b in blocks])
        weights = np.array([it.weight for it in self.items])
        out["weight"] = weights[out["item"]]
        offsets = np.cumsum([0] + [len(b.note_texts) for b in blocks[:-1]])
        code = np.concatenate(
            [b.note_code.astype(np.int32) + off for b, off in zip(blocks, offsets, strict=True)]
        )
        texts = np.asarray([t for b in blocks for t in b.note_texts], dtype=object)
        if strings:
            out["note"] = texts[code]
            out["clause"] = np.asarray([it.clause for it in self.items], dtype=object)[out["item"]]
        else:
            out["note_code"] = code
            out["note_texts"] = texts
        return out

    def firm_items(self, i: int) -> list[dict]:
        """The trace rows of firm i as dicts (for ``gaoxin explain``)."""
        rows = []
        for b in self.blocks:
            j = np.searchsorted(b.firm, i)
            if j < b.firm.shape[0] and b.firm[j] == i:
                it = self.items[b.item]
                rows.append(
                    {
                        "key": it.key,
                        "item": it.item_id,
                        "kind": it.kind,
                        "title": it.title,
                        "unit": it.unit,
                        "value": float(b.value[j]),
                        "numerator": float(b.numerator[j]),
                        "denominator": float(b.denominator[j]),
                        "benchmark": float(b.benchmark[j]),
                        "raw_score": float(b.raw_score[j]),
                        "score": float(b.score[j]),
                        "weight": it.weight,
                        "note": b.note_texts[b.note_code[j]],
                        "clause": it.clause,
                        "ref": it.ref,
                    }
                )
        return rows
