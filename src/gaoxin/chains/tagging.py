"""Enterprise → chain nodes, with a confidence and the evidence (cultivation_chains.md §4d).

Signals, strongest first: the registered industry code (exact codes count alone, `*` codes only together with a
keyword of the same node), phrases and keywords found in 经营范围 (boilerplate stripped, 一般项目/许可项目 split,
clauses classified as making / trading) and in 主营产品. Trading-only firms (销售/批发/零售 without any
制造/生产/研发…) only reach the trade (渠道/流通) nodes. Confidence is a noisy-OR of the signal weights.

Speed: results are cached per distinct clause and per distinct (scope, products, code), so 100k firms with the
usual repetition of registered phrases tag in a few seconds.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from gaoxin.chains import industry_codes
from gaoxin.chains.packs import Pack

THRESHOLD = 0.5
W_CODE, W_CODE_STAR = 0.7, 0.25
W_PHRASE, W_KEYWORD, W_ITEM, W_PRODUCT, W_FALLBACK = 0.6, 0.5, 0.45, 0.6, 0.5

_FULL = str.maketrans({**{chr(0xFF01 + i): chr(0x21 + i) for i in range(94)}, "\u3000": " ", "；": ";",
                       "。": ";", "：": ":", "，": ",", "（": "(", "）": ")", "【": "(", "】": ")"})
_BOILER = [re.compile(p) for p in (
    r"\(?除依法须经批准的项目外[^)]*\)?",
    r"\(?依法须经批准的项目[^)]*\)?",
    r"\(?除许可业务外[^)]*\)?",
    r"\(?国家禁止和限制的项目除外[^)]*\)?",
    r"涉及许可经营项目[^;]*",
    r"具体经营项目以[^;)]*为准",
    r"\(以上[^)]*\)",
    r"\(不得从事[^)]*\)",
)]
_PAREN = re.compile(r"\([^()]*\)")
_SECTION = re.compile(r"(一般经营项目是|一般经营项目|一般项目|许可经营项目是|许可经营项目|许可项目)\s*:")
_MAKE = re.compile(r"制造|生产|加工|研发|研制|开发|设计|组装|装配|封装|测试|制备|冶炼|提纯|提炼|自产|试验发展|技术研究|"
                   r"服务|运营|运维|维修|修理|安装|施工|回收|发电|检测|检验|系统集成|集成服务|利用|培育|种植")
_TRADE = re.compile(r"销售|批发|零售|经销|代销|经营|进出口|贸易|购销|代理")
_SPLIT = re.compile(r"[;\n]+|,(?=\S)")
GENERAL, LICENSED, PRODUCTS = "一般项目", "许可项目", "主营产品"

logging.getLogger("jieba").setLevel(logging.WARNING)


def normalize(text: str | None) -> str:
    return (text or "").translate(_FULL).replace(" ", "").strip()


def strip_boilerplate(text: str) -> str:
    for pat in _BOILER:
        text = pat.sub(";", text)
    # remaining parentheses are qualifiers such as (不含危险化学品): they never add an activity
    prev = None
    while prev != text:
        prev, text = text, _PAREN.sub("", text)
    return text


def split_sections(text: str) -> list[tuple[str, str]]:
    """'一般项目:…许可项目:…' → [(一般项目, …), (许可项目, …)]; text before any marker counts as 一般项目."""
    out: list[tuple[str, str]] = []
    pos, section = 0, GENERAL
    for m in _SECTION.finditer(text):
        if m.start() > pos:
            out.append((section, text[pos:m.start()]))
        section = LICENSED if "许可" in m.group(1) else GENERAL
        pos = m.end()
    out.append((section, text[pos:]))
    return [(s, t) for s, t in out if t.strip(" ;,.")]


def clauses(text: str) -> list[str]:
    return [c.strip(" ,.、") for c in _SPLIT.split(text) if c.strip(" ,.、")]


def clause_kind(clause: str) -> str:
    if _MAKE.search(clause):
        return "make"
    if _TRADE.search(clause):
        return "trade"
    return "item"


@dataclass
class Tag:
    chain: str
    node: str
    confidence: float
    evidence: list[dict] = field(default_factory=list)
    primary: bool = False

    def as_json(self) -> dict:
        return {"chain": self.chain, "node": self.node, "confidence": round(self.confidence, 3),
                "primary": self.primary, "evidence": self.evidence}


@dataclass(frozen=True)
class _Hit:
    node: str
    keyword: str
    kind: str  # make | trade | item (of the clause)
    explicit: bool  # keyword carries its own trade verb (机动车充电销售): counts whatever the clause
    fallback: bool


class Tagger:
    """Tags text with the nodes of the given packs. Build once, call `tag` or `tag_many`."""

    def __init__(self, packs: dict[str, Pack], threshold: float = THRESHOLD):
        import jieba

        self.packs = packs
        self.threshold = threshold
        self.node_chain: dict[str, str] = {}
        self.nodes = {}
        self.kw_nodes: dict[str, list[tuple[str, bool]]] = {}
        self.neg: dict[str, list[str]] = {}
        self.exact: dict[str, list[str]] = {}
        self.star: dict[str, list[str]] = {}
        for pack in packs.values():
            for n in pack.leaves():
                self.node_chain[n.id] = pack.id
                self.nodes[n.id] = n
                for k in n.keywords:
                    self.kw_nodes.setdefault(k.lower(), []).append((n.id, False))
                for k in n.fallback:
                    self.kw_nodes.setdefault(k.lower(), []).append((n.id, True))
                for k in n.negatives:
                    self.neg.setdefault(n.id, []).append(k.lower())
                for c in n.codes_exact:
                    self.exact.setdefault(c, []).append(n.id)
                for c in n.codes_star:
                    self.star.setdefault(c, []).append(n.id)
        words = sorted(self.kw_nodes, key=len, reverse=True)
        parts = [(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])") if w.isascii() else re.escape(w) for w in words]
        self._re = re.compile("|".join(parts)) if parts else re.compile(r"(?!x)x")
        # jieba with the chain vocabularies as a user dictionary: short keywords must sit on token boundaries
        self._tk = jieba.Tokenizer()
        self._tk.initialize()
        for w in words:
            self._tk.add_word(w, freq=200000)
        self._clause_cache: dict[str, tuple[_Hit, ...]] = {}
        self._firm_cache: dict[tuple, list[Tag]] = {}

    # ---- clause level -------------------------------------------------------------------------------------
    def _boundaries(self, clause: str) -> set[int]:
        pos, out = 0, {0}
        for t in self._tk.cut(clause, HMM=False):
            pos += len(t)
            out.add(pos)
        return out

    def _clause_hits(self, clause: str) -> tuple[_Hit, ...]:
        cached = self._clause_cache.get(clause)
        if cached is not None:
            return cached
        low = clause.lower()
        kind = clause_kind(clause)
        found = [(m.start(), m.end(), m.group(0), frozenset()) for m in self._re.finditer(low)]
        # keywords of *other* chains inside a long phrase also count (…回收及梯次利用 → 储能 too)
        for s0, e0, w0, _ in list(found):
            if e0 - s0 < 5:
                continue
            own = frozenset(self.node_chain[n] for n, _ in self.kw_nodes[w0])
            for i in range(s0, e0):
                m = self._re.match(low, i, e0)
                if m and m.group(0) != w0:
                    found.append((m.start(), m.end(), m.group(0), own))
        bounds = self._boundaries(low) if any(e - s < 5 for s, e, _, _ in found) else set()
        hits = []
        for s, e, w, excluded in found:
            if e - s < 5 and not (s in bounds and e in bounds):
                continue
            explicit = bool(_TRADE.search(w))
            for node, fb in self.kw_nodes[w]:
                if self.node_chain[node] in excluded:
                    continue
                if any(n in low for n in self.neg.get(node, ())):
                    continue
                hits.append(_Hit(node, w, kind, explicit, fb))
        out = tuple(hits)
        if len(self._clause_cache) < 500_000:
            self._clause_cache[clause] = out
        return out

    # ---- firm level ---------------------------------------------------------------------------------------
    def parse_scope(self, scope: str | None) -> list[tuple[str, str]]:
        """[(section, clause)] after normalisation, boilerplate stripping and the 一般/许可 split."""
        text = strip_boilerplate(normalize(scope))
        return [(sec, c) for sec, part in split_sections(text) for c in clauses(part)]

    def tag(self, scope: str | None, products: str | None = None, industry_code: str | None = None) -> list[Tag]:
        key = (scope or "", products or "", industry_code or "")
        cached = self._firm_cache.get(key)
        if cached is None:
            cached = self._tag(*key)
            if len(self._firm_cache) < 300_000:
                self._firm_cache[key] = cached
        return [Tag(t.chain, t.node, t.confidence, list(t.evidence), t.primary) for t in cached]

    def _tag(self, scope: str, products: str, code_raw: str) -> list[Tag]:
        items = self.parse_scope(scope)
        prod = [(PRODUCTS, c) for c in clauses(strip_boilerplate(normalize(products)))]
        kinds = [clause_kind(c) for _, c in items]
        trading_only = bool(items) and "make" not in kinds and any(k == "trade" for k in kinds)
        ev: dict[str, list[tuple[float, dict]]] = {}

        def add(node: str, w: float, e: dict) -> None:
            ev.setdefault(node, []).append((w, e))

        make_chains: set[str] = set()
        fallback_hits: list[tuple[str, float, dict]] = []
        for section, clause in items + prod:
            for h in self._clause_hits(clause):
                node = self.nodes[h.node]
                chain = self.node_chain[h.node]
                kind = h.kind
                if section == PRODUCTS:
                    kind = "trade" if trading_only else "make"
                elif kind == "item":
                    kind = "trade" if trading_only else "item"
                e = {"signal": "product" if section == PRODUCTS else ("phrase" if len(h.keyword) >= 5 else "keyword"),
                     "text": h.keyword, "section": section, "clause": clause}
                if node.activity == "trade" and (h.explicit or kind == "trade"):
                    # sales phrases make a channel only for trading-only firms
                    if trading_only:
                        add(h.node, W_PHRASE, e)
                    continue
                if h.explicit:
                    add(h.node, W_PHRASE, e)
                    continue
                if kind == "trade":
                    # a trading-only firm selling a chain's products is a channel of that chain
                    if trading_only:
                        for t in self._trade_nodes(chain):
                            add(t, W_KEYWORD, {**e, "signal": "trade", "via": h.node})
                    continue
                w = W_PRODUCT if section == PRODUCTS else (
                    W_ITEM if kind == "item" else (W_PHRASE if len(h.keyword) >= 5 else W_KEYWORD))
                if h.fallback:
                    fallback_hits.append((h.node, W_FALLBACK, e))
                    continue
                add(h.node, w, e)
                make_chains.add(chain)
        for node, w, e in fallback_hits:
            if self.node_chain[node] not in make_chains:
                add(node, w, e)

        code = industry_codes.normalize(code_raw) if code_raw else None
        if code:
            cname = industry_codes.name(code)
            for node in self.exact.get(code, ()):
                if trading_only and self.nodes[node].activity == "make":
                    continue
                add(node, W_CODE, {"signal": "code", "text": f"{code} {cname}", "section": "行业代码"})
            for node in self.star.get(code, ()):
                if node in ev:  # a `*` code only counts together with a keyword of the same node
                    add(node, W_CODE_STAR, {"signal": "code*", "text": f"{code}* {cname}", "section": "行业代码"})

        tags = []
        for node, items_ in ev.items():
            p = 1.0
            seen = set()
            for w, e in sorted(items_, key=lambda x: -x[0]):
                k = (e["signal"], e["text"])
                if k in seen:
                    continue
                seen.add(k)
                p *= 1 - w
            conf = min(0.99, 1 - p)
            if conf >= self.threshold:
                uniq = list({(e["signal"], e["text"], e.get("section")): e for _, e in items_}.values())
                tags.append(Tag(self.node_chain[node], node, conf, uniq[:8]))
        tags.sort(key=lambda t: (-t.confidence, t.node))
        return tags

    def _trade_nodes(self, chain: str) -> list[str]:
        return [n.id for n in self.packs[chain].leaves() if n.activity == "trade"]

    def tag_many(self, rows: Iterable[tuple[str | None, str | None, str | None]]) -> list[list[Tag]]:
        return [self.tag(s, p, c) for s, p, c in rows]


# ---- primary node: listed-company revenue rules (NEEQ 管理型行业分类, §4d.3) ----------------------------------
def primary_node(segments: list[dict], tagger: Tagger, chain: str | None = None) -> tuple[str | None, str]:
    """Pick one primary node from revenue segments [{text, revenue, gross_profit}].

    A node with ≥50% of revenue decides; otherwise a single node with ≥30% of both revenue and gross profit.
    Returns (node or None, reason in Chinese).
    """
    rev: dict[str, float] = {}
    gp: dict[str, float] = {}
    total_rev = sum(max(0.0, float(s.get("revenue") or 0)) for s in segments)
    total_gp = sum(max(0.0, float(s.get("gross_profit") or 0)) for s in segments)
    if total_rev <= 0:
        return None, "无收入构成数据"
    for s in segments:
        tags = [t for t in tagger.tag(None, s.get("text"), None) if chain is None or t.chain == chain]
        if not tags:
            continue
        best = tags[0].node
        rev[best] = rev.get(best, 0.0) + max(0.0, float(s.get("revenue") or 0))
        gp[best] = gp.get(best, 0.0) + max(0.0, float(s.get("gross_profit") or 0))
    if not rev:
        return None, "收入构成未对应到链条节点"
    top = max(rev, key=rev.get)
    share = rev[top] / total_rev
    if share >= 0.5:
        return top, f"营业收入占比 {share:.0%} ≥ 50%"
    both = [n for n in rev if rev[n] / total_rev >= 0.3 and total_gp > 0 and gp.get(n, 0) / total_gp >= 0.3]
    if len(both) == 1:
        n = both[0]
        return n, f"营业收入占比 {rev[n] / total_rev:.0%}、毛利占比 {gp[n] / total_gp:.0%} 均 ≥ 30%"
    return None, "无节点收入占比达到 50%，也没有唯一一个收入与毛利均 ≥ 30% 的节点"


def mark_primary(tags: list[Tag], primary: str | None = None) -> list[Tag]:
    """Mark the primary tag per chain: the revenue-rule node when given, else the most confident node."""
    by_chain: dict[str, list[Tag]] = {}
    for t in tags:
        by_chain.setdefault(t.chain, []).append(t)
    for chain_tags in by_chain.values():
        chosen = next((t for t in chain_tags if t.node == primary), None) or max(
            chain_tags, key=lambda t: (t.confidence, t.node))
        chosen.primary = True
    return tags
