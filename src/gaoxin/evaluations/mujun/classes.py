"""亩均 classes: the initial class by share or threshold within groups (step 5), protections and vetoes
(step 6), and policy amounts by final class (step 7)."""

from __future__ import annotations

import math

import numpy as np

from gaoxin.engine import classify_by_threshold, share_class_index
from gaoxin.evaluations.periods import years_before
from gaoxin.schemes.formula import evaluate as eval_formula
from gaoxin.schemes.formula import evaluate_condition as eval_condition
from gaoxin.schemes.model import ClassRule, Scheme

from .scoring import _group_codes
from .types import ClassGroup


def _classify(
    scheme: Scheme, prep, total: np.ndarray, rank_out: np.ndarray, town: np.ndarray, labels
) -> tuple:
    """Step 5: the initial class of every evaluated firm, by share or threshold, within the rule's groups (a
    class rule with ``within = "all"`` pools the lists that share it); the cut-offs per group."""
    n, K = total.shape[0], len(labels)
    init = np.full(n, K, dtype=np.int8)  # K = T
    class_group = np.full(n, -1, dtype=np.int32)
    groups: list[ClassGroup] = []
    pools: list[tuple[ClassRule, list[str]]] = []
    for lst in scheme.lists:
        rule = scheme.classes_for(lst.id)
        if rule.within == "all":
            for pr, ids in pools:
                if pr is rule:
                    ids.append(lst.id)
                    break
            else:
                pools.append((rule, [lst.id]))
        else:
            pools.append((rule, [lst.id]))
    for rule, ids in pools:
        idx = np.concatenate([prep.members[i] for i in ids]) if len(ids) > 1 else prep.members[ids[0]]
        idx = np.sort(idx)
        if idx.shape[0] == 0:
            continue
        gcode, gnames = _group_codes(rule, prep, idx, town)
        order = np.argsort(gcode, kind="stable")
        bounds = np.flatnonzero(np.diff(gcode[order])) + 1
        for part in np.split(order, bounds):
            fid = idx[part]
            s = total[fid]
            if rule.method == "share":
                # within one list the ranks are the ones just computed: no second sort
                known = rank_out[fid] if rule.within == "list" else None
                k_of = share_class_index(s, [x / 100.0 for x in rule.shares], ties=rule.ties, ranks=known)
                code = np.where(k_of < 0, K, k_of).astype(np.int8)
            else:
                lab = classify_by_threshold(s, rule.thresholds, list(labels))
                code = np.full(fid.shape[0], K, dtype=np.int8)
                for k, lb in enumerate(labels):
                    code[lab == lb] = k
            init[fid] = code
            cut = {}
            for k, lb in enumerate(labels):
                sel = code <= k
                cut[lb] = float(s[sel].min()) if sel.any() else math.nan
            if rule.method == "threshold":
                cut = {
                    lb: (rule.thresholds[k] if k < len(rule.thresholds) else -math.inf)
                    for k, lb in enumerate(labels)
                }
            gname = gnames[int(gcode[part[0]])] if part.shape[0] else ""
            key = ("*" if rule.within == "all" else ids[0]) + (f"|{gname}" if gname else "")
            class_group[fid] = len(groups)
            groups.append(ClassGroup(key, tuple(ids), gname, rule.method, int(fid.shape[0]), cut))

    return init, class_group, groups


def _protect_and_veto(scheme: Scheme, prep, init: np.ndarray, labels, lab_index, list_code, n: int) -> tuple:
    """Step 6: protections (not worse than X), then vetoes (cap at X or force X) — vetoes win; every move
    leaves its reason and clause on the firm."""
    K = len(labels)
    evaluated = prep.t_code == 0
    list_ids = [lst.id for lst in scheme.lists]
    t_texts = np.asarray(prep.t_texts, dtype=object)
    reasons = t_texts[prep.t_code].copy()
    # clause ids that set the final class: the T rule, or the class rule plus protections / vetoes that held
    class_clause = np.asarray(
        [f"list.{lst.id}.classes" if lst.classes is not None else "classes" for lst in scheme.lists] + [""],
        dtype=object,
    )
    clauses = np.where(
        evaluated,
        class_clause[np.where(evaluated, prep.cand, -1)],
        np.asarray(prep.t_clauses, dtype=object)[prep.t_code],
    )
    final = init.copy()

    def in_lists(mask, lists):
        if lists:
            mask = mask & np.isin(list_code, [list_ids.index(x) for x in lists])
        return mask

    def add_reason(mask, text, clause):
        if mask.any():
            cur = reasons[mask]
            reasons[mask] = np.where(cur == "", text, cur + "；" + text)
            cl = clauses[mask]
            clauses[mask] = np.where(cl == "", clause, cl + "," + clause)

    for p in scheme.protection:
        holds = evaluated.copy()
        if p.when:
            holds &= eval_condition(scheme.formula(p.when), prep.env, n)
        if p.registered_within_years:
            cutoff = years_before(prep.end, p.registered_within_years)
            holds &= ~np.isnat(prep.registered_on) & (prep.registered_on > cutoff)
        holds = in_lists(holds, p.lists)
        target = lab_index[p.klass]
        before = final.copy()
        for old in range(target + 1, K):
            ch = holds & (before == old)
            if ch.any():
                final[ch] = target
                add_reason(
                    ch, f"保护：{p.reason}（由{labels[old]}类调整为{labels[target]}类）", f"protection.{p.id}"
                )
    for v in scheme.veto:
        holds = in_lists(evaluated & eval_condition(scheme.formula(v.when), prep.env, n), v.lists)
        target = lab_index[v.klass]
        before = final.copy()  # decide per firm from its class before this veto
        for old in range(K):
            ch = holds & (before == old)
            if not ch.any():
                continue
            moves = old < target if v.effect == "cap" else old != target
            if moves:
                final[ch] = target
                add_reason(
                    ch, f"一票否决：{v.reason}（由{labels[old]}类调整为{labels[target]}类）", f"veto.{v.id}"
                )
            else:
                add_reason(
                    ch, f"一票否决条件成立：{v.reason}（现为{labels[old]}类，不受影响）", f"veto.{v.id}"
                )

    return final, reasons, clauses


def _policy(scheme: Scheme, prep, final: np.ndarray, labels, n: int) -> dict[str, np.ndarray]:
    """Step 7: policy amounts by final class (rate × base, or percent of base)."""
    policy: dict[str, np.ndarray] = {}
    for pol in scheme.policy:
        if pol.kind == "text" or not pol.base:
            continue
        rates = np.array([pol.rates.get(lb, 0.0) for lb in labels] + [0.0])
        r = rates[final]
        if pol.kind == "percent":
            r = r / 100.0
        b = eval_formula(scheme.formula(pol.base), prep.env, n)
        policy[pol.id] = np.where(r == 0, 0.0, b * r)

    return policy
