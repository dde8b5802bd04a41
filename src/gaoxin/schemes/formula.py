"""A tiny, safe expression language for scheme formulas (指标公式), evaluated on numpy arrays.

Grammar (parsed with :mod:`ast`, then every node is checked against a whitelist; nothing is ever passed to
``eval``/``exec``):

* numbers (``3``, ``1e4``, ``0.5``), field names (``tax_paid``), parentheses;
* arithmetic ``+ - * /`` and unary ``-``/``+``; ``a / 0`` gives a missing value (NaN), never ``inf``;
* comparisons ``< <= > >= == !=`` (chains allowed) and ``and`` / ``or`` / ``not`` for conditions
  (population rules, vetoes, bonus items). **A comparison with a missing operand is false** — all six,
  ``!=`` included (SQL-like, unlike IEEE) — so write ``coalesce(above_scale, 0) == 0`` to include unknowns;
* calls to whitelisted functions only (:data:`FUNCTIONS`), positional arguments only.

Missing values are NaN throughout. Arithmetic with a missing operand is missing (``sum_of`` and ``coalesce``
exist to say otherwise explicitly).
"""

from __future__ import annotations

import ast
import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    import numpy as np
else:  # loaded on first evaluation (gaoxin.lazy): parsing a scheme does not need it
    from gaoxin.lazy import np

MAX_LENGTH = 2000
MAX_DEPTH = 40


class FormulaError(ValueError):
    """A formula that cannot be parsed or refers to something it may not; message is Chinese + English."""


def _f_sum_of(first, *rest):
    a = np.asarray(first, dtype=float)
    seen = ~np.isnan(a)
    acc = np.where(seen, a, 0.0)
    for r in rest:
        a = np.asarray(r, dtype=float)
        ok = ~np.isnan(a)
        acc = acc + np.where(ok, a, 0.0)
        seen = seen | ok
    return np.where(seen, acc, np.nan)


def _f_coalesce(*args):
    out = np.asarray(args[0], dtype=float)
    for a in args[1:]:
        out = np.where(np.isnan(out), np.asarray(a, dtype=float), out)
    return out


def _f_min_of(*args):
    out = np.asarray(args[0], dtype=float)
    for a in args[1:]:
        out = np.fmin(out, np.asarray(a, dtype=float))  # fmin skips NaN
    return out


def _f_max_of(*args):
    out = np.asarray(args[0], dtype=float)
    for a in args[1:]:
        out = np.fmax(out, np.asarray(a, dtype=float))
    return out


def _f_abs(x):
    return np.abs(np.asarray(x, dtype=float))


def _f_if_else(cond, a, b):
    return np.where(_truthy(cond), np.asarray(a, dtype=float), np.asarray(b, dtype=float))


def _f_is_missing(x):
    x = np.asarray(x)
    if x.dtype == bool:
        return np.zeros(x.shape, dtype=bool)
    return np.isnan(x.astype(float))


# name → (implementation, min args, max args or None, description zh, description en); ``prev`` has no
# implementation: the parser turns it into a read of the previous period's value.
FUNCTIONS: dict[str, tuple[Callable[..., Any] | None, int, int | None, str, str]] = {
    "sum_of": (
        _f_sum_of,
        1,
        None,
        "求和，缺失项按0计；全部缺失时结果缺失",
        "sum skipping missing terms; missing only when all are missing",
    ),
    "coalesce": (_f_coalesce, 1, None, "取第一个非缺失值", "first non-missing argument"),
    "min_of": (_f_min_of, 1, None, "最小值（忽略缺失）", "minimum ignoring missing"),
    "max_of": (_f_max_of, 1, None, "最大值（忽略缺失）", "maximum ignoring missing"),
    "abs": (_f_abs, 1, 1, "绝对值", "absolute value"),
    "if_else": (_f_if_else, 3, 3, "条件取值 if_else(条件, 是, 否)", "if_else(condition, then, else)"),
    "is_missing": (_f_is_missing, 1, 1, "是否缺失（1/0）", "1 where the value is missing"),
    "prev": (
        None,
        1,
        1,
        "上一评价期的同一字段（无上期数据时缺失）",
        "the same field in the previous period (missing without previous data)",
    ),
}

# Values the evaluator derives for every firm; formulas may use them like fields.
PSEUDO_FIELDS: dict[str, tuple[str, str]] = {
    "land_mu": (
        "用地面积（亩），按方案 population.land 公式计算",
        "land area (mu) per the scheme's land rule",
    ),
    "registered_years": ("成立年限（年）：评价期末日减注册日期", "years from registration to the period end"),
    "industry4": ("行业小类代码（4位数字，如3973）", "4-digit GB/T 4754 class as a number"),
    "industry2": ("行业大类代码（2位数字，如39）", "2-digit GB/T 4754 division as a number"),
}

PREV_PREFIX = "prev:"


def _truthy(x) -> np.ndarray:
    a = np.asarray(x)
    if a.dtype == bool:
        return a
    a = a.astype(float)
    return (a != 0) & ~np.isnan(a)


def _num(x):
    a = np.asarray(x)
    return a.astype(float) if a.dtype == bool else a


def _div(a, b):
    a = _num(a)
    b = _num(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.true_divide(a, b)
    return np.where(b == 0, np.nan, out)


def _cmp(op: str):
    def f(a, b):
        a = _num(a)
        b = _num(b)
        with np.errstate(invalid="ignore"):
            return getattr(np, op)(a, b) & ~np.isnan(a) & ~np.isnan(b)

    return f


_BINOPS: dict[type, Callable] = {
    ast.Add: lambda a, b: _num(a) + _num(b),
    ast.Sub: lambda a, b: _num(a) - _num(b),
    ast.Mult: lambda a, b: _num(a) * _num(b),
    ast.Div: _div,
}
_CMPOPS: dict[type, Callable] = {
    ast.Lt: _cmp("less"),
    ast.LtE: _cmp("less_equal"),
    ast.Gt: _cmp("greater"),
    ast.GtE: _cmp("greater_equal"),
    ast.Eq: _cmp("equal"),
    ast.NotEq: _cmp("not_equal"),
}
_NODE_WORDS = {
    ast.Attribute: ("属性访问", "attribute access"),
    ast.Subscript: ("下标访问", "subscripts"),
    ast.Lambda: ("lambda", "lambda"),
    ast.Constant: ("字符串等非数值常量", "non-numeric constants"),
    ast.Pow: ("乘方 **", "power **"),
    ast.IfExp: ("条件表达式 x if c else y（请用 if_else）", "x if c else y (use if_else)"),
}


@dataclass(frozen=True)
class Formula:
    """A parsed, checked formula. ``names`` are the fields/variables it reads; ``prev_names`` those read via
    ``prev(...)``. Call :func:`evaluate` / :func:`evaluate_condition` to compute it."""

    text: str
    names: frozenset[str]
    prev_names: frozenset[str]
    is_condition: bool
    _fn: Callable[[Mapping[str, Any]], Any]  # compiled closure tree; env -> array/scalar

    def __repr__(self) -> str:  # keep reprs short in errors and tests
        return f"Formula({self.text!r})"


def _unknown_name_message(name: str, known: Iterable[str], where: str) -> str:
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"；是否想写 did you mean: {', '.join(close)}" if close else ""
    return (
        f"{where}未知字段 '{name}' / unknown field '{name}'{hint}。可用字段 known fields: {', '.join(known)}"
    )


def parse(text: str, known: Iterable[str] | None = None, *, where: str = "") -> Formula:  # noqa: C901 — a recursive-descent parser: one branch per grammar rule
    """Parse and check ``text``; ``known`` (if given) is the set of names it may read.

    ``where`` prefixes error messages (e.g. the scheme clause). Raises :class:`FormulaError`."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError(f"{where}公式为空 / empty formula")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"{where}公式过长（>{MAX_LENGTH}字符）/ formula too long")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise FormulaError(
            f"{where}公式语法错误 / syntax error in {text!r}: {e.msg} (col {e.offset})"
        ) from None
    except (RecursionError, MemoryError, ValueError):  # nesting the parser itself cannot hold
        raise FormulaError(f"{where}公式嵌套过深 / formula nested too deeply") from None
    known_set = None if known is None else set(known)
    names: set[str] = set()
    prev_names: set[str] = set()

    def bad(node: ast.AST, what_zh: str, what_en: str) -> NoReturn:
        raise FormulaError(
            f"{where}公式 {text!r} 中不允许{what_zh} / {what_en} is not allowed "
            f"(at col {getattr(node, 'col_offset', 0) + 1})"
        )

    def build(node, depth=0):  # noqa: C901 — one branch per node type of the grammar
        if depth > MAX_DEPTH:
            raise FormulaError(f"{where}公式嵌套过深 / formula nested too deeply")
        d = depth + 1
        if isinstance(node, ast.Expression):
            return build(node.body, d)
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, int | float):
                bad(node, *_NODE_WORDS[ast.Constant])
            try:
                fv = float(v)
            except OverflowError:
                fv = math.inf
            if not math.isfinite(fv):  # a 1,900-digit integer or 1e400: no figure is that large
                raise FormulaError(f"{where}数值常量过大（超出双精度范围） / numeric constant out of range")
            return lambda env: fv
        if isinstance(node, ast.Name):
            name = node.id
            if known_set is not None and name not in known_set:
                raise FormulaError(_unknown_name_message(name, known_set, where))
            names.add(name)
            return lambda env: env[name]
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                bad(
                    node,
                    *_NODE_WORDS.get(
                        type(node.op),
                        (f"运算符 {type(node.op).__name__}", f"operator {type(node.op).__name__}"),
                    ),
                )
            lf, rf = build(node.left, d), build(node.right, d)
            return lambda env: op(lf(env), rf(env))
        if isinstance(node, ast.UnaryOp):
            inner = build(node.operand, d)
            if isinstance(node.op, ast.USub):
                return lambda env: -_num(inner(env))
            if isinstance(node.op, ast.UAdd):
                return lambda env: _num(inner(env))
            if isinstance(node.op, ast.Not):
                return lambda env: ~_truthy(inner(env))
            bad(node, f"运算符 {type(node.op).__name__}", f"operator {type(node.op).__name__}")
        if isinstance(node, ast.BoolOp):
            parts = [build(v, d) for v in node.values]
            comb = "logical_and" if isinstance(node.op, ast.And) else "logical_or"

            def boolop(env, parts=parts, comb=comb):
                out = _truthy(parts[0](env))
                for p in parts[1:]:
                    out = getattr(np, comb)(out, _truthy(p(env)))
                return out

            return boolop
        if isinstance(node, ast.Compare):
            ops = []
            for o in node.ops:
                f = _CMPOPS.get(type(o))
                if f is None:
                    bad(node, f"比较运算 {type(o).__name__}", f"comparison {type(o).__name__}")
                ops.append(f)
            terms = [build(node.left, d)] + [build(c, d) for c in node.comparators]

            def compare(env, ops=ops, terms=terms):
                vals = [t(env) for t in terms]
                out = ops[0](vals[0], vals[1])
                for k in range(1, len(ops)):
                    out = out & ops[k](vals[k], vals[k + 1])
                return out

            return compare
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                bad(node, "调用非函数名（如属性方法）", "calling anything but a plain function name")
            fname = node.func.id
            if fname not in FUNCTIONS:
                close = difflib.get_close_matches(fname, FUNCTIONS, n=2)
                hint = f"；是否想写 did you mean: {', '.join(close)}" if close else ""
                raise FormulaError(
                    f"{where}不允许调用函数 '{fname}' / function '{fname}' is not allowed{hint}。"
                    f"可用函数 allowed: {', '.join(FUNCTIONS)}"
                )
            if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                bad(node, "关键字参数或 *args", "keyword or starred arguments")
            impl, lo, hi, _, _ = FUNCTIONS[fname]
            nargs = len(node.args)
            if nargs < lo or (hi is not None and nargs > hi):
                want = f"{lo}" if hi == lo else (f"{lo}+" if hi is None else f"{lo}–{hi}")
                raise FormulaError(
                    f"{where}函数 {fname} 参数个数应为 {want}，实际 {nargs} / "
                    f"{fname} takes {want} arguments, got {nargs}"
                )
            if fname == "prev":
                arg = node.args[0]
                if not isinstance(arg, ast.Name):
                    bad(
                        node,
                        "prev() 内使用表达式（只能是字段名）",
                        "an expression inside prev() (a field name only)",
                    )
                pname = arg.id
                if known_set is not None and pname not in known_set:
                    raise FormulaError(_unknown_name_message(pname, known_set, where))
                prev_names.add(pname)
                key = PREV_PREFIX + pname
                return lambda env: env[key]
            assert impl is not None  # only prev() has none, and it returned above
            args = [build(a, d) for a in node.args]
            return lambda env: impl(*[a(env) for a in args])
        words = _NODE_WORDS.get(type(node), (f"语法 {type(node).__name__}", f"syntax {type(node).__name__}"))
        bad(node, *words)

    fn = build(tree)
    body = tree.body
    is_cond = isinstance(body, ast.Compare | ast.BoolOp) or (
        isinstance(body, ast.UnaryOp) and isinstance(body.op, ast.Not)
    )
    return Formula(text.strip(), frozenset(names), frozenset(prev_names), is_cond, fn)


def evaluate(
    formula: Formula, env: Mapping[str, np.ndarray], n: int, refuse_overflow: bool = False
) -> np.ndarray:
    """Numeric value of ``formula`` for n units: float64 array, NaN = missing (conditions give 1.0/0.0).

    A value that overflows (±∞) is missing; with `refuse_overflow` (an evaluation's indicators) a formula that
    overflows for every unit with a figure raises FormulaError instead of scoring them all as missing."""
    with np.errstate(all="ignore"):
        out = formula._fn(env)
    a = np.asarray(out)
    a = a.astype(float) if a.dtype != np.float64 else a
    if a.ndim == 0:
        a = np.full(n, float(a))
    if np.isinf(a).any():  # only an overflow makes ±∞ here (x / 0 is already missing)
        if refuse_overflow and not (np.isfinite(a) & (a != 0)).any():
            raise FormulaError(
                f"公式「{formula.text}」对所有对象均溢出为无穷大：请检查公式中的常数和单位 / the formula "
                "overflows to infinity for every unit"
            )
        a = np.where(np.isinf(a), np.nan, a)
    return a


def evaluate_condition(formula: Formula, env: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """Boolean value of ``formula`` for n units; a number counts as true when non-zero and not missing."""
    with np.errstate(all="ignore"):
        out = _truthy(formula._fn(env))
    if out.ndim == 0:
        out = np.full(n, bool(out))
    return out


def describe_functions() -> list[tuple[str, str, str]]:
    """(name, Chinese description, English description) for docs and error messages."""
    return [(k, v[3], v[4]) for k, v in FUNCTIONS.items()]


@lru_cache(maxsize=1024)
def _known_plan(text: str) -> tuple:
    """The condition's tree for :func:`evaluate_condition_known`: ("and"|"or", parts) · ("not", part) ·
    ("cmp", formula of the comparison, formulas of its terms) · ("num", formula) — every leaf a parsed Formula."""

    def plan(node: ast.AST) -> tuple:
        if isinstance(node, ast.BoolOp):
            return ("and" if isinstance(node.op, ast.And) else "or", tuple(plan(v) for v in node.values))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ("not", plan(node.operand))
        if isinstance(node, ast.Compare):
            terms = (node.left, *node.comparators)
            return ("cmp", parse(ast.unparse(node)), tuple(parse(ast.unparse(t)) for t in terms))
        return ("num", parse(ast.unparse(node)))

    return plan(ast.parse(text, mode="eval").body)


def evaluate_condition_known(
    formula: Formula, env: Mapping[str, np.ndarray], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """(value, known) of a condition for n units, on three-valued (Kleene) logic: a comparison with a missing
    operand is *unknown* (its value false, as :func:`evaluate_condition` gives it); ``a and b`` is known when
    both are known or either is known false, ``a or b`` when both are known or either is known true; ``not``
    keeps the knowledge. ``coalesce``, ``sum_of`` and ``is_missing`` answer for missing values, so a condition
    written with them is known. `known` false means the data cannot judge the condition (待补数据)."""

    def walk(p: tuple) -> tuple[np.ndarray, np.ndarray]:
        tag = p[0]
        if tag in ("and", "or"):
            parts = [walk(q) for q in p[1]]
            v = parts[0][0].copy()
            all_known = parts[0][1].copy()
            decided = parts[0][1] & (~parts[0][0] if tag == "and" else parts[0][0])
            for pv, pk in parts[1:]:
                v = (v & pv) if tag == "and" else (v | pv)
                all_known &= pk
                decided |= pk & (~pv if tag == "and" else pv)
            return v, all_known | decided
        if tag == "not":
            v, k = walk(p[1])
            return ~v, k
        if tag == "cmp":
            v = evaluate_condition(p[1], env, n)
            known = np.ones(n, dtype=bool)
            for t in p[2]:
                known &= ~np.isnan(evaluate(t, env, n))
            return v, known  # a chain (a < b < c) is known when all its terms are
        v = evaluate(p[1], env, n)
        return (v != 0) & ~np.isnan(v), ~np.isnan(v)

    with np.errstate(all="ignore"):
        value, known = walk(_known_plan(formula.text))
    return np.asarray(value, dtype=bool), np.asarray(known, dtype=bool)
