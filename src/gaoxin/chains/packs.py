"""Chain packs: one folder per chain with `chain.toml` and `nodes.csv`, validated on load.

nodes.csv columns: id, parent, stage (U/M/D), name, activity (root/make/trade/service), codes (GB/T 4754-2017
小类, space separated; `*` = only part of the class belongs to the node, so a keyword must confirm it; ranges such
as `3911-3919` expand to the classes that exist), keywords (`|` separated; `~kw` counts only when no other
make-node of the chain matched, `!kw` blocks the node in that clause), weight (importance for gap ranking),
definition, source. A zone edits a copy of a pack folder and loads it with `--packs DIR`.
"""

from __future__ import annotations

import csv
import hashlib
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from gaoxin.chains import industry_codes

BUILTIN = "gaoxin.chains"
STAGES = {"U": "上游", "M": "中游", "D": "下游"}
ACTIVITIES = {"root", "make", "trade", "service"}
COLUMNS = ["id", "parent", "stage", "name", "activity", "codes", "keywords", "weight", "definition", "source"]


class PackError(ValueError):
    """A chain pack that cannot be used; the message names the file and row."""


@dataclass(frozen=True)
class Node:
    id: str
    parent: str
    stage: str
    name: str
    activity: str
    codes_exact: frozenset[str]
    codes_star: frozenset[str]
    keywords: tuple[str, ...]
    fallback: tuple[str, ...]
    negatives: tuple[str, ...]
    weight: float
    definition: str
    source: str
    row: int

    @property
    def is_root(self) -> bool:
        return self.activity == "root"

    @property
    def stage_name(self) -> str:
        return STAGES.get(self.stage, "")

    def codes_text(self) -> str:
        return " ".join(sorted(self.codes_exact) + [c + "*" for c in sorted(self.codes_star)])


@dataclass(frozen=True)
class Pack:
    id: str
    name: str
    version: str
    description: str
    source: str
    target_revenue: float
    milestones: tuple[float, ...]
    nodes: dict[str, Node] = field(repr=False)
    path: str = ""
    sha256: str = ""

    @property
    def root(self) -> Node:
        return next(n for n in self.nodes.values() if n.is_root)

    def leaves(self) -> list[Node]:
        return [n for n in self.nodes.values() if not n.is_root]

    def children(self, node_id: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.parent == node_id]


def _err(path: Path, row: int | None, msg: str) -> PackError:
    where = f"{path}" + (f" 第{row}行" if row else "")
    return PackError(f"{where}: {msg}")


def _parse_codes(text: str, path: Path, row: int) -> tuple[set[str], set[str]]:
    exact: set[str] = set()
    star: set[str] = set()
    for tok in text.replace(",", " ").replace("，", " ").split():
        is_star = tok.endswith("*")
        tok = tok.rstrip("*")
        codes = industry_codes.expand(tok)
        if not codes:
            raise _err(path, row, f"行业代码范围 {tok} 中没有 GB/T 4754-2017 小类")
        for c in codes:
            if not industry_codes.is_class(c):
                raise _err(path, row, f"未知的 GB/T 4754-2017 小类代码 {c}（{industry_codes.EDITION}）")
            (star if is_star else exact).add(industry_codes.normalize(c))
    return exact, star - exact


def _parse_keywords(text: str, path: Path, row: int) -> tuple[list[str], list[str], list[str]]:
    kws, fallback, neg = [], [], []
    for raw in text.split("|"):
        k = raw.strip()
        if not k:
            continue
        target = kws
        if k[0] == "~":
            target, k = fallback, k[1:].strip()
        elif k[0] == "!":
            target, k = neg, k[1:].strip()
        if len(k) < 2:  # a single Chinese character never counts as a keyword (S44-style guard)
            raise _err(path, row, f"关键词“{k}”过短（至少2个字符）")
        target.append(k)
    return kws, fallback, neg


def _node(r: dict, nid: str, csv_path: Path, i: int) -> Node:
    """One row of nodes.csv as a node (row i of the file), or a clear refusal naming the row."""
    activity = (r.get("activity") or "make").strip() or "make"
    if activity not in ACTIVITIES:
        raise _err(csv_path, i, f"activity 应为 {sorted(ACTIVITIES)} 之一，而不是 {activity}")
    parent = (r.get("parent") or "").strip()
    stage = (r.get("stage") or "").strip().upper()
    if activity != "root" and stage not in STAGES:
        raise _err(csv_path, i, f"节点 {nid} 的环节 stage 应为 U/M/D（上/中/下游），而不是“{stage}”")
    exact, star = _parse_codes(r.get("codes") or "", csv_path, i)
    kws, fallback, neg = _parse_keywords(r.get("keywords") or "", csv_path, i)
    if activity != "root" and not (exact or star or kws or fallback):
        raise _err(csv_path, i, f"节点 {nid} 既无行业代码也无关键词（空节点）")
    try:
        weight = float(r.get("weight") or 1)
    except ValueError as exc:
        raise _err(csv_path, i, f"weight 不是数字: {r.get('weight')}") from exc
    if weight <= 0:
        raise _err(csv_path, i, "weight 必须大于 0")
    return Node(
        nid,
        parent,
        stage,
        (r.get("name") or nid).strip(),
        activity,
        frozenset(exact),
        frozenset(star),
        tuple(kws),
        tuple(fallback),
        tuple(neg),
        weight,
        (r.get("definition") or "").strip(),
        (r.get("source") or "").strip(),
        i,
    )


def _check_tree(nodes: dict[str, Node], csv_path: Path) -> None:
    """One root, every parent defined, no cycle."""
    roots = [n for n in nodes.values() if not n.parent]
    if len(roots) != 1:
        raise _err(csv_path, None, f"应有且只有一个根节点（parent 为空），实际 {len(roots)} 个")
    for n in nodes.values():
        if n.parent and n.parent not in nodes:
            raise _err(csv_path, n.row, f"节点 {n.id} 的上级 {n.parent} 不存在")
    for n in nodes.values():  # cycle check: walk up at most len(nodes) steps
        seen, cur = [n.id], n
        while cur.parent:
            cur = nodes[cur.parent]
            if cur.id in seen:
                raise _err(csv_path, n.row, f"节点上级关系成环: {' → '.join(seen + [cur.id])}")
            seen.append(cur.id)


def load_pack(folder: str | Path) -> Pack:
    folder = Path(folder)
    toml_path, csv_path = folder / "chain.toml", folder / "nodes.csv"
    for p in (toml_path, csv_path):
        if not p.exists():
            raise _err(p, None, "文件不存在")
    toml_bytes, csv_bytes = toml_path.read_bytes(), csv_path.read_bytes()
    try:
        meta = tomllib.loads(toml_bytes.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise _err(toml_path, None, f"TOML 格式错误: {exc}") from exc
    chain = meta.get("chain") or {}
    for key in ("id", "name"):
        if not chain.get(key):
            raise _err(toml_path, None, f"[chain] 缺少 {key}")
    cluster = meta.get("cluster") or {}

    text = csv_bytes.decode("utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS[:7] if c not in (reader.fieldnames or [])]
    if missing:
        raise _err(csv_path, 1, f"缺少列 {', '.join(missing)}")
    nodes: dict[str, Node] = {}
    for i, r in enumerate(reader, start=2):
        nid = (r.get("id") or "").strip()
        if not nid:
            raise _err(csv_path, i, "节点编号为空")
        if nid in nodes:
            raise _err(csv_path, i, f"节点编号 {nid} 重复（首次出现在第{nodes[nid].row}行）")
        nodes[nid] = _node(r, nid, csv_path, i)
    if not nodes:
        raise _err(csv_path, None, "没有节点")
    _check_tree(nodes, csv_path)
    sha = hashlib.sha256(toml_bytes + b"\0" + csv_bytes).hexdigest()
    milestones = tuple(float(x) for x in cluster.get("milestones_yuan", [1e10, 1e11]))
    return Pack(
        str(chain["id"]),
        str(chain["name"]),
        str(chain.get("version", "")),
        str(chain.get("description", "")),
        str(chain.get("source", "")),
        float(cluster.get("target_revenue_yuan", 1e10)),
        milestones,
        nodes,
        str(folder),
        sha,
    )


def builtin_dir() -> Path:
    return Path(str(resources.files(BUILTIN).joinpath("packs")))


def load_packs(extra: str | Path | None = None) -> dict[str, Pack]:
    """The nine built-in packs, then any pack folders under `extra` (same id replaces the built-in)."""
    packs: dict[str, Pack] = {}
    dirs = [builtin_dir()] + ([Path(extra)] if extra else [])
    for base in dirs:
        if (base / "chain.toml").exists():
            candidates = [base]
        else:
            candidates = sorted(p for p in base.iterdir() if (p / "chain.toml").exists())
        for folder in candidates:
            pack = load_pack(folder)
            packs[pack.id] = pack
    return packs


def find_pack(packs: dict[str, Pack], key: str) -> Pack | None:
    """A pack by id (IC), name (集成电路) or folder name (ic)."""
    for p in packs.values():
        if key in (p.id, p.name) or key.upper() == p.id or Path(p.path).name == key:
            return p
    return None
