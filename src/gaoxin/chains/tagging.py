"""Enterprise → chain nodes, with a confidence and the evidence (cultivation_chains.md §4d).

Signals, strongest first: the registered industry code (exact codes count alone, `*` codes — and coarse 大类/中类
codes such as C39 — only together with a keyword of the same node), phrases and keywords found in 经营范围
(boilerplate stripped, qualifier parentheses dropped, 一般项目/许可项目 split, old-style "A、B的研发、生产" clauses
re-read per object) and in 主营产品 (a bare product list is read item by item).

Each clause is classified as make (制造/生产/研发/设计…), service (服务/维修/租赁…), trade (销售/批发…) or a bare item.
Make nodes need a make clause or a listed product: 维修、技术服务、租赁 of a product do not make the firm a maker.
What follows 应用于/用于 and "X用Y" qualifiers name uses, not products; an object followed by 设备/装备 is equipment.
Firms that make or develop nothing (services and the generic 技术服务、技术开发… bundle do not count) are traders: their
sales reach only channel nodes — explicit sales phrases, or the chain's midstream goods for channel nodes defined as
pure distributors (仅从事…). Confidence is a noisy-OR of the signal weights. Labelling rules that the evaluation set
follows are in bench/data/chains_eval.README.md.

Speed (issue 20): `tag_many` normalises and strips the boilerplate of every distinct scope in one polars pass;
a scope is then read as its `;` segments — no boilerplate, section marker or clause spans one — each distinct
segment parsed once, each distinct (segment, section in force, trading-only) matched once, the industry-code
rules read once per code; firms only combine cached pieces. `tag_reference` is the straightforward per-firm
reading the fast path is tested equal to (tests/chains/test_chain_tagging_fast.py); bench/tagging_bench.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from gaoxin.chains import industry_codes
from gaoxin.chains.packs import Pack

THRESHOLD = 0.5
W_CODE, W_CODE_STAR = 0.7, 0.25
W_PHRASE, W_KEYWORD, W_ITEM, W_PRODUCT, W_FALLBACK = 0.6, 0.5, 0.45, 0.6, 0.5

_FULL = str.maketrans(
    {
        **{chr(0xFF01 + i): chr(0x21 + i) for i in range(94)},
        "\u3000": " ",
        "；": ";",
        "。": ";",
        "：": ":",
        "，": ",",
        "（": "(",
        "）": ")",
        "【": "(",
        "】": ")",
    }
)
_BOILER = [
    re.compile(p)
    for p in (
        r"\(?除依法须经批准的项目外[^)]*\)?",
        r"\(?依法须经批准的项目[^)]*\)?",
        r"\(?除许可业务外[^)]*\)?",
        r"\(?国家禁止和限制的项目除外[^)]*\)?",
        r"涉及许可经营项目[^;]*",
        r"具体经营项目以[^;)]*为准",
        r"\(以上[^)]*\)",
        r"\(不得从事[^)]*\)",
    )
]
_BOILER_ALL = re.compile("|".join(p.pattern for p in _BOILER))
_PAREN = re.compile(r"\([^()]*\)")
_SECTION = re.compile(r"(一般经营项目是|一般经营项目|一般项目|许可经营项目是|许可经营项目|许可项目)\s*:")
_MAKE = re.compile(
    r"制造|生产|加工|研发|研制|开发|设计|组装|装配|封装|测试|制备|冶炼|提纯|提炼|自产|试验发展|技术研究|"
    r"研究|制作|生产线|产线|培育|种植"
)
_SERVICE = re.compile(
    r"服务|运营|运维|维修|修理|维护|安装|施工|回收|发电|检测|检验|系统集成|集成服务|利用|租赁|出租|诊疗|"
    r"医院|门诊|诊所|外包|支持|处理|运行"
)
_TRADE = re.compile(r"销售|批发|零售|经销|代销|经营|进出口|进口|出口|贸易|购销|代理|分销|供应商")
# generic R&D / technology-service phrases that appear in almost every scope: they make no firm a maker
_GENERIC = re.compile(
    r"技术服务、?技术开发|技术开发、?技术咨询|技术咨询、?技术服务|技术开发、?技术转让|技术转让、?技术咨询|"
    r"新材料技术研发|新兴能源技术研发|资源再生利用技术研发|工程和技术研究和试验发展|"
    r"自然科学研究和试验发展|电力行业高效节能技术研发|机械设备研发|科技推广和应用服务"
)
# qualifiers in parentheses (不含…, 除…, 凭…) are dropped; other parentheses keep their content (…包括化学原料药、疫苗)
_QUALIFIER = re.compile(
    r"^(不含|不包含|除|限|仅|凭|须|依法|涉及|具体|以上|不得|国家|法律|含|按|详见|范围|许可|经相关|以|取得)"
)
# application context: "应用于汽车、无人机" names customers, not products; "X用Y" makes Y for X
_APPLICATION = re.compile(r"(广泛)?(应用于|适用于|用于|应用在|服务于|面向).*$")
_EQUIP_TAIL = re.compile(r"[^、,;:]{0,6}?(设备|装备)")
_SPLIT = re.compile(r"[;\n]+|,(?=\S)")
GENERAL, LICENSED, PRODUCTS = "一般项目", "许可项目", "主营产品"

logging.getLogger("jieba").setLevel(logging.WARNING)


_FULL_CHARS = {chr(k): v for k, v in _FULL.items()}
_FULL_RE = re.compile("[" + "".join(re.escape(c) for c in _FULL_CHARS) + "]")
# what str.strip() strips (polars' strip_chars() would use Unicode White_Space, which differs at \x1c–\x1f)
_PY_SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def normalize(text: str | None) -> str:
    """Full-width forms and CJK punctuation to ASCII (the `_FULL` table), spaces removed, ends stripped."""
    return _FULL_RE.sub(lambda m: _FULL_CHARS[m.group()], text or "").replace(" ", "").strip()


def _is_qualifier(inner: str) -> bool:
    return bool(_QUALIFIER.match(inner)) or inner.endswith("除外") or "不含" in inner or "依法须经" in inner


# old-style scopes put one verb list on many objects: "集成电路和模块、存储产品的封装、测试、生产" or
# "研究、开发、生产、销售：半导体、集成电路"; each object is re-read with the verbs as "集成电路封装", "集成电路制造"…
_VERB_NORM = (
    ("设计", re.compile(r"设计|研发|开发|研制|研究")),
    ("制造", re.compile(r"生产|制造|加工")),
    ("封装", re.compile(r"封装")),
    ("测试", re.compile(r"测试")),
)
_OBJ_VERBS = re.compile(r"^(?P<obj>[^的]{2,200})的(?P<verbs>[^的]{2,40})$")
_VERBS_OBJ = re.compile(
    r"^(?P<verbs>(?:(?:研究|研发|研制|开发|设计|生产|制造|加工|销售)[、和及与]?){2,})[:]?(?P<obj>.{2,})$"
)


@lru_cache(maxsize=200_000)
def expand_objects(clause: str) -> tuple[str, ...]:
    m = _OBJ_VERBS.match(clause) or _VERBS_OBJ.match(clause)
    if not m or not _MAKE.search(m.group("verbs")):
        return ()
    verbs = [v for v, pat in _VERB_NORM if pat.search(m.group("verbs"))]
    objs = [o.strip(" ,.") for o in re.split(r"[、和及与]", m.group("obj")) if 2 <= len(o.strip(" ,.")) <= 16]
    return tuple(o + v for o in objs for v in verbs)


def strip_boilerplate(text: str) -> str:
    return _drop_parens(_BOILER_ALL.sub(";", text))


def _drop_parens(text: str) -> str:
    # parentheses holding qualifiers such as (不含危险化学品) never add an activity; other parentheses keep their
    # content as a list item (…的医药产品(包括化学原料药、生物制品、疫苗))
    prev = None
    while "(" in text and prev != text:
        prev = text
        text = _PAREN.sub(
            lambda m: "" if _is_qualifier(m.group(0)[1:-1]) else "、" + m.group(0)[1:-1] + "、", text
        )
    return text


def split_sections(text: str) -> list[tuple[str, str]]:
    """'一般项目:…许可项目:…' → [(一般项目, …), (许可项目, …)]; text before any marker counts as 一般项目."""
    out: list[tuple[str, str]] = []
    pos, section = 0, GENERAL
    for m in _SECTION.finditer(text):
        if m.start() > pos:
            out.append((section, text[pos : m.start()]))
        section = LICENSED if "许可" in m.group(1) else GENERAL
        pos = m.end()
    out.append((section, text[pos:]))
    return [(s, t) for s, t in out if t.strip(" ;,.")]


def clauses(text: str) -> list[str]:
    return [c.strip(" ,.、") for c in _SPLIT.split(text) if c.strip(" ,.、")]


@lru_cache(maxsize=200_000)
def _trades(clause: str) -> bool:
    return bool(_TRADE.search(_GENERIC.sub("", clause)))


def product_items(products: str | None) -> list[str]:
    """主营产品 text → items. A bare list (软板、硬板、光模块) is split on 、 so that one item's word (维保服务)
    does not colour the others; a sentence (…的研发、生产和销售) keeps its clauses whole."""
    out = []
    for c in clauses(strip_boilerplate(normalize(products))):
        c = _APPLICATION.sub("", c).strip(" ,.、")
        if not c:
            continue
        if _MAKE.search(c) or _TRADE.search(c) or len(c) > 120:
            out.append(c)
        else:
            out.extend(x.strip(" ,.、") for x in c.split("、") if x.strip(" ,.、"))
    return out


@lru_cache(maxsize=200_000)
def clause_kind(clause: str) -> str:
    """make (production, R&D, design), service, trade or item (a bare noun phrase such as 集中式快速充电站)."""
    core = _GENERIC.sub("", clause)
    if _MAKE.search(core):
        return "make"
    if _SERVICE.search(core):
        return "service"
    if _TRADE.search(core):
        return "trade"
    if core != clause:  # only generic technology-service boilerplate
        return "generic"
    return "item"


@dataclass
class Tag:
    chain: str
    node: str
    confidence: float
    evidence: list[dict] = field(default_factory=list)
    primary: bool = False

    def as_json(self) -> dict:
        return {
            "chain": self.chain,
            "node": self.node,
            "confidence": round(self.confidence, 3),
            "primary": self.primary,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class _Hit:
    node: str
    keyword: str
    kind: str  # make | trade | item (of the clause)
    explicit: bool  # keyword carries its own trade verb (机动车充电销售): counts whatever the clause
    fallback: bool


# (fallback keyword?, node, weight, evidence, chain the hit shows the firm making in, (signal, text),
#  (signal, text, section)) — the last two are the keys evidence is counted once and listed once by
_Contribution = tuple[bool, str, float, dict, str | None, tuple, tuple]
_SCOPE_CACHE, _SEGMENT_CACHE = 500_000, 500_000


@dataclass(frozen=True, slots=True)
class _Part:
    """A text read once — a scope segment between two `;` or a 主营产品 text: its clauses as (section, clause)
    with section None for "the section in force", the section a marker in it leaves in force (None: none),
    and whether any clause makes something or trades."""

    text: str
    items: tuple[tuple[str | None, str], ...]
    last: str | None
    makes: bool
    trades: bool

    @classmethod
    def of(cls, text: str, items: list[tuple[str | None, str]], last: str | None) -> _Part:
        return cls(
            text,
            tuple(items),
            last,
            any(clause_kind(c) == "make" for _, c in items),
            any(_trades(c) for _, c in items),
        )


_WEIGHT = itemgetter(2)
_Scope = tuple[tuple[_Part, ...], bool, bool, bool]


def _contribution(fallback: bool, node: str, w: float, e: dict, made_in: str | None = None) -> _Contribution:
    return (
        fallback,
        node,
        w,
        e,
        made_in,
        (e["signal"], e["text"]),
        (e["signal"], e["text"], e.get("section")),
    )


def _copy(tags: list[Tag]) -> list[Tag]:
    return [Tag(t.chain, t.node, t.confidence, list(t.evidence), t.primary) for t in tags]


def _read_clauses(text: str, section: str | None) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = []
    for c in clauses(text):
        out.append((section, c))
        out.extend((section, x) for x in expand_objects(c))
    return out


def _clean_many(texts: list[str], min_rows: int = 256) -> list[str]:
    """`_BOILER_ALL.sub(";", normalize(t))` of many texts in one pass of polars' Rust string kernels
    (Aho-Corasick over the character table, then the regex crate, whose leftmost-first matches of these plain
    patterns are Python's)."""
    if len(texts) < min_rows:
        return [_BOILER_ALL.sub(";", normalize(t)) for t in texts]
    import polars as pl

    try:
        col = pl.Series(texts, dtype=pl.Utf8)
    except (UnicodeEncodeError, pl.exceptions.PolarsError):  # text polars cannot hold (a lone surrogate)
        return [_BOILER_ALL.sub(";", normalize(t)) for t in texts]
    col = (
        col.str.replace_many(list(_FULL_CHARS), list(_FULL_CHARS.values()))
        .str.replace_all(" ", "", literal=True)
        .str.strip_chars(_PY_SPACE)
        .str.replace_all(_BOILER_ALL.pattern, ";")
    )
    return col.to_list()


class Tagger:
    """Tags text with the nodes of the given packs. Build once, call `tag` or `tag_many`."""

    def __init__(self, packs: dict[str, Pack], threshold: float = THRESHOLD):
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not for analysts

        self.packs = packs
        self.threshold = threshold
        self.columnar_min = 256  # fewer distinct scopes than this are cleaned one by one
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
        parts = [
            (r"(?<![a-z])" + re.escape(w) + r"(?![a-z])") if w.isascii() else re.escape(w) for w in words
        ]
        self._re = re.compile("|".join(parts)) if parts else re.compile(r"(?!x)x")
        # jieba with the chain vocabularies as a user dictionary: short keywords must sit on token boundaries
        self._tk = jieba.Tokenizer()
        self._tk.initialize()
        for w in words:
            self._tk.add_word(w, freq=200000)
        # equipment nodes (半导体设备, 光伏装备…) keep hits such as "PECVD设备"; other nodes drop them
        self.equipment_nodes = {
            n for n, node in self.nodes.items() if "设备" in node.name or "装备" in node.name
        }
        self._clause_cache: dict[str, tuple[_Hit, ...]] = {}
        self._firm_cache: dict[tuple, list[Tag]] = {}
        self._scope_cache: dict[str, _Scope] = {}
        self._segment_cache: dict[str, _Part] = {}
        self._product_cache: dict[str, _Part] = {}
        self._contrib_cache: dict[tuple[str, str, bool], tuple[_Contribution, ...]] = {}
        self._codes: dict[str, tuple[str | None, str | None, bool]] = {}
        self._code_rules: dict[str, tuple] = {}
        self._code_within: dict[tuple[str, str], bool] = {}
        self._channels = {cid: self._channel_nodes(cid) for cid in packs}

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
        # what follows 应用于/用于 names customers or uses, not what the firm makes
        low = _APPLICATION.sub("", clause.lower())
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
        bounds = self._boundaries(low) if any(e - s < 5 and not x for s, e, _, x in found) else set()
        hits = []
        for s, e, w, excluded in found:
            # short keywords must sit on jieba token boundaries (sub-hits inside a recognised phrase are exempt)
            if e - s < 5 and not excluded and not (s in bounds and e in bounds):
                continue
            # "锂电池用铝箔", "卫星用光伏组件": the keyword only qualifies what follows
            if low[e : e + 1] == "用" and low[e : e + 2] not in ("用品", "用户", "用途"):
                continue
            tail = _EQUIP_TAIL.match(low, e)
            explicit = bool(_TRADE.search(w))
            # a keyword that carries its own verb (储能系统集成, 家用电器安装) is judged by the rest of the clause
            hit_kind = kind
            if _SERVICE.search(w) or _MAKE.search(w):
                rest = clause_kind(low[:s] + "、" + low[e:])
                hit_kind = rest if rest in ("make", "service", "trade") else "stated"
            for node, fb in self.kw_nodes[w]:
                if self.node_chain[node] in excluded:
                    continue
                if (
                    tail and node not in self.equipment_nodes
                ):  # "先进封装工艺设备" is equipment, not packaging
                    continue
                if any(n in low for n in self.neg.get(node, ())):
                    continue
                hits.append(_Hit(node, w, hit_kind, explicit, fb))
        out = tuple(hits)
        if len(self._clause_cache) < 500_000:
            self._clause_cache[clause] = out
        return out

    # ---- firm level ---------------------------------------------------------------------------------------
    def parse_scope(self, scope: str | None) -> list[tuple[str, str]]:
        """[(section, clause)] after normalisation, boilerplate stripping and the 一般/许可 split — the
        straightforward reading of one text (`tag` reads the same through per-segment caches)."""
        text = strip_boilerplate(normalize(scope))
        out = []
        for sec, part in split_sections(text):
            for c in clauses(part):
                out.append((sec, c))
                out.extend((sec, x) for x in expand_objects(c))
        return out

    def tag(
        self, scope: str | None, products: str | None = None, industry_code: str | None = None
    ) -> list[Tag]:
        key = (scope or "", products or "", industry_code or "")
        cached = self._firm_cache.get(key)
        if cached is None:
            cached = self._tag(*key)
            if len(self._firm_cache) < 300_000:
                self._firm_cache[key] = cached
        return _copy(cached)

    def tag_many(self, rows: Iterable[tuple[str | None, str | None, str | None]]) -> list[list[Tag]]:
        """`tag` of many firms; their distinct scopes are normalised and stripped of boilerplate in one
        columnar pass first."""
        keys = [(s or "", p or "", c or "") for s, p, c in rows]
        self._prepare_scopes({k[0] for k in keys})
        done: dict[tuple[str, str, str], list[Tag]] = {}
        out = []
        for key in keys:
            tags = done.get(key)
            if tags is None and key not in self._firm_cache:
                # the first firm with these texts gets the tags themselves, later ones copies
                tags = done[key] = self._tag(*key)
                out.append(tags)
            else:
                out.append(_copy(tags if tags is not None else self._firm_cache[key]))
        return out

    def tag_reference(
        self, scope: str | None, products: str | None = None, industry_code: str | None = None
    ) -> list[Tag]:
        """The straightforward per-firm reading (each text parsed whole, no segment or firm caches, no columnar
        pass): what `tag` and `tag_many` must equal."""
        items = self.parse_scope(scope)
        prod = [(PRODUCTS, c) for c in product_items(products)]
        kinds = [clause_kind(c) for _, c in items]
        if not items:  # a profile or 主营业务 sentence alone decides whether the firm only trades
            kinds = [clause_kind(c) for _, c in prod]
        # a firm that makes or develops nothing (services, leasing and generic 技术服务 do not count) is a trader
        texts = [c for _, c in (items or prod)]
        trading_only = bool(kinds) and "make" not in kinds and any(_trades(c) for c in texts)
        found = [x for sec, c in items + prod for x in self._contributions(sec, c, trading_only)]
        return self._conclude(found, industry_code or "", trading_only)

    def _tag(self, scope: str, products: str, code_raw: str) -> list[Tag]:
        """`tag_reference` read through caches: a scope is split at its `;` after boilerplate stripping (no
        section marker, clause or boilerplate spans one), each distinct segment is parsed once, and each
        distinct (segment, section in force, trading-only) gives its contributions once."""
        segs, has_items, makes, trades = self._scope_segments(scope)
        prod = self._products(products)
        if not has_items:  # a profile or 主营业务 sentence alone decides whether the firm only trades
            has_items, makes, trades = bool(prod.items), prod.makes, prod.trades
        # a firm that makes or develops nothing (services, leasing and generic 技术服务 do not count) is a trader
        trading_only = has_items and not makes and trades
        found: list[_Contribution] = []
        cache, sec = self._contrib_cache, GENERAL
        for part in segs:
            got = cache.get((part.text, sec, trading_only))
            found.extend(self._part_contributions(part, sec, trading_only) if got is None else got)
            sec = part.last or sec
        found.extend(self._part_contributions(prod, PRODUCTS, trading_only))
        return self._conclude(found, code_raw, trading_only)

    # ---- cached reading of texts ----------------------------------------------------------------------------
    def _prepare_scopes(self, scopes: set[str]) -> None:
        room = _SCOPE_CACHE - len(self._scope_cache)
        todo = [s for s in scopes if s not in self._scope_cache][: max(room, 0)]
        for scope, cleaned in zip(todo, _clean_many(todo, self.columnar_min), strict=True):
            self._scope_cache[scope] = self._segments(cleaned)

    def _scope_segments(self, scope: str) -> _Scope:
        segs = self._scope_cache.get(scope)
        if segs is None:
            segs = self._segments(_BOILER_ALL.sub(";", normalize(scope)))
            if len(self._scope_cache) < _SCOPE_CACHE:
                self._scope_cache[scope] = segs
        return segs

    def _segments(self, cleaned: str) -> _Scope:
        """A cleaned scope's segments and whether any has a clause, makes something, trades."""
        cache = self._segment_cache
        segs = tuple(cache.get(s) or self._segment(s) for s in _drop_parens(cleaned).split(";") if s)
        return (
            segs,
            any(p.items for p in segs),
            any(p.makes for p in segs),
            any(p.trades for p in segs),
        )

    def _segment(self, seg: str) -> _Part:
        part = self._segment_cache.get(seg)
        if part is None:
            items: list[tuple[str | None, str]] = []
            sec, pos = None, 0
            for m in _SECTION.finditer(seg):
                items.extend(_read_clauses(seg[pos : m.start()], sec))
                sec = LICENSED if "许可" in m.group(1) else GENERAL
                pos = m.end()
            items.extend(_read_clauses(seg[pos:], sec))
            part = _Part.of(seg, items, sec)
            if len(self._segment_cache) < _SEGMENT_CACHE:
                self._segment_cache[seg] = part
        return part

    def _products(self, products: str) -> _Part:
        part = self._product_cache.get(products)
        if part is None:
            part = _Part.of(products, [(PRODUCTS, c) for c in product_items(products)], None)
            if len(self._product_cache) < _SCOPE_CACHE:
                self._product_cache[products] = part
        return part

    def _part_contributions(self, part: _Part, sec: str, trading_only: bool) -> tuple[_Contribution, ...]:
        # a scope segment's section in force is 一般项目 or 许可项目, a product list's 主营产品: keys never collide
        key = (part.text, sec, trading_only)
        out = self._contrib_cache.get(key)
        if out is None:
            out = tuple(x for s, c in part.items for x in self._contributions(s or sec, c, trading_only))
            if len(self._contrib_cache) < _SEGMENT_CACHE:
                self._contrib_cache[key] = out
        return out

    # ---- the matching rules ---------------------------------------------------------------------------------
    def _contributions(self, section: str, clause: str, trading_only: bool) -> list[_Contribution]:  # noqa: C901 — the matching rules in the order S44 documents them (stated activity, products, trade-only, generic)
        """What one clause adds: (fallback?, node, weight, evidence, chain it shows the firm making in)."""
        out: list[_Contribution] = []
        for h in self._clause_hits(clause):
            node = self.nodes[h.node]
            chain = self.node_chain[h.node]
            kind = h.kind
            if kind == "stated":  # the keyword states the activity itself (软件开发, 储能系统集成)
                kind = "make" if node.activity == "make" else "service"
            elif section == PRODUCTS and kind in ("item", "generic"):
                kind = "make"  # a listed product is made by the firm
            if trading_only and kind in ("item", "make") and section != PRODUCTS:
                kind = "trade"
            if trading_only and section == PRODUCTS and kind != "service":
                kind = "trade"
            if kind == "generic" or (kind == "service" and node.activity == "make" and not h.explicit):
                continue  # 维修、技术服务、租赁 of a product do not make the firm a maker
            e = {
                "signal": "product"
                if section == PRODUCTS
                else ("phrase" if len(h.keyword) >= 5 else "keyword"),
                "text": h.keyword,
                "section": section,
                "clause": clause,
            }
            if node.activity == "trade" and (h.explicit or kind == "trade"):
                # sales phrases make a channel only for trading-only firms
                if trading_only:
                    out.append(_contribution(False, h.node, W_PHRASE, e))
                continue
            if h.explicit:
                # a non-trade keyword carrying a sales verb states a service (机动车充电销售 = charging)
                out.append(_contribution(False, h.node, W_PHRASE, e))
                continue
            if kind == "trade":
                # a trading-only firm selling a chain's midstream goods is a channel of that chain
                if trading_only and node.stage == "M" and node.activity == "make":
                    for t in self._channels[chain]:
                        e_t = {**e, "signal": "trade", "via": h.node}
                        out.append(_contribution(False, t, W_KEYWORD, e_t))
                continue
            if kind == "service" and node.activity == "make":
                continue  # 维修、技术服务、租赁 of a product do not make the firm a maker
            long_kw = len(h.keyword) >= 5 or h.kind == "stated"
            if section == PRODUCTS:
                w = W_PRODUCT
            elif kind == "item":
                w = W_PHRASE if long_kw else W_ITEM
            else:
                w = W_PHRASE if long_kw else W_KEYWORD
            if h.fallback:
                out.append(_contribution(True, h.node, W_FALLBACK, e))
                continue
            out.append(_contribution(False, h.node, w, e, chain if node.activity == "make" else None))
        return out

    def _conclude(self, found: Iterable[_Contribution], code_raw: str, trading_only: bool) -> list[Tag]:
        """Evidence per node (fallback keywords only in chains the firm is not shown making in), the industry
        code, then the noisy-OR confidence and the threshold."""
        ev: dict[str, list[_Contribution]] = {}
        make_chains: set[str] = set()
        fallback_hits: list[_Contribution] = []
        for c in found:
            if c[0]:
                fallback_hits.append(c)
                continue
            got = ev.get(c[1])
            if got is None:
                ev[c[1]] = [c]
            else:
                got.append(c)
            if c[4]:
                make_chains.add(c[4])
        for c in fallback_hits:
            if self.node_chain[c[1]] not in make_chains:
                ev.setdefault(c[1], []).append(c)
        if code_raw:
            self._code_evidence(ev, code_raw, trading_only)

        tags = []
        threshold = self.threshold
        for node, hits in ev.items():
            if len(hits) == 1:
                conf = min(0.99, 1 - (1 - hits[0][2]))
                if conf >= threshold:
                    tags.append(Tag(self.node_chain[node], node, conf, [hits[0][3]]))
                continue
            p = 1.0
            seen = set()
            for c in sorted(hits, key=_WEIGHT, reverse=True):  # stable: equal weights keep their order
                if c[5] in seen:
                    continue
                seen.add(c[5])
                p *= 1 - c[2]
            conf = min(0.99, 1 - p)
            if conf >= threshold:
                uniq = list({c[6]: c[3] for c in hits}.values())
                tags.append(Tag(self.node_chain[node], node, conf, uniq[:8]))
        tags.sort(key=lambda t: (-t.confidence, t.node))
        return tags

    def _code_evidence(self, ev: dict[str, list[_Contribution]], code_raw: str, trading_only: bool) -> None:
        """The registered industry code: exact codes count alone, `*` and coarse codes only beside a keyword."""
        rules = self._code_rules.get(code_raw)
        if rules is None:
            rules = self._code_rules[code_raw] = self._read_code(code_raw)
        code, exact, exact_trading, star, star_e = rules
        if code is None:
            return
        for c in exact_trading if trading_only else exact:
            ev.setdefault(c[1], []).append(c)
        if star is None:
            # a 大类/中类 code (C39) confirms keyword hits of nodes whose codes fall inside it
            within = self._code_within
            star = []
            for n in ev:
                inside = within.get((code, n))
                if inside is None:
                    node = self.nodes[n]
                    inside = within[(code, n)] = any(
                        c.startswith(code) for c in node.codes_exact | node.codes_star
                    )
                if inside:
                    star.append(n)
        for node in star:
            if node in ev:  # a `*` (or coarse) code only counts together with a keyword of the same node
                ev[node].append(_contribution(False, node, W_CODE_STAR, star_e))

    def _read_code(self, code_raw: str) -> tuple:
        """(code, exact-code contributions, those a trading-only firm keeps, `*` nodes or None for a coarse
        code, the `*` evidence)."""
        code, cname, coarse = self._code_info(code_raw)
        if not code:
            return (None, (), (), (), {})
        exact = tuple(
            _contribution(
                False, n, W_CODE, {"signal": "code", "text": f"{code} {cname}", "section": "行业代码"}
            )
            for n in self.exact.get(code, ())
        )
        exact_trading = tuple(c for c in exact if self.nodes[c[1]].activity != "make")
        star = None if coarse else tuple(self.star.get(code, ()))
        return (
            code,
            exact,
            exact_trading,
            star,
            {"signal": "code*", "text": f"{code}* {cname}", "section": "行业代码"},
        )

    def _code_info(self, raw: str) -> tuple[str | None, str | None, bool]:
        info = self._codes.get(raw)
        if info is None:
            code = industry_codes.normalize(raw)
            entry = industry_codes.get(code) if code else None
            info = (code, entry.name if entry else None, bool(entry and entry.level != "class"))
            self._codes[raw] = info
        return info

    def _channel_nodes(self, chain: str) -> list[str]:
        """Channel nodes that accept any of the chain's goods: trade nodes defined as pure distributors (仅从事…)."""
        return [
            n.id for n in self.packs[chain].leaves() if n.activity == "trade" and "仅从事" in n.definition
        ]


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


def mark_primary(tags: list[Tag], primary: str | Iterable[str] | None = None) -> list[Tag]:
    """Mark the primary tag per chain: the revenue-rule node (`primary_node`) when given for that chain, else the
    most confident node; ties go to the smallest node id (the node listings show first)."""
    chosen_nodes = {primary} if isinstance(primary, str) else set(primary or ())
    by_chain: dict[str, list[Tag]] = {}
    for t in tags:
        by_chain.setdefault(t.chain, []).append(t)
    for chain_tags in by_chain.values():
        if len(chain_tags) == 1:
            chain_tags[0].primary = True
            continue
        chosen = next((t for t in chain_tags if t.node in chosen_nodes), None) or min(
            chain_tags, key=lambda t: (-t.confidence, t.node)
        )
        chosen.primary = True
    return tags


def primaries(segments: list[dict], tags: list[Tag], tagger: Tagger) -> dict[str, tuple[str, str]]:
    """chain → (node, reason) by the revenue-share rule, for each chain the firm is tagged with and whose
    revenue segments decide a node it is tagged with (a segment never adds a node the scope does not show)."""
    out: dict[str, tuple[str, str]] = {}
    tagged = {t.node for t in tags}
    for chain in sorted({t.chain for t in tags}):
        node, why = primary_node(segments, tagger, chain)
        if node is not None and node in tagged:
            out[chain] = (node, why)
    return out
