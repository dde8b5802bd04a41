"""The chain node a lead would fill, chosen from the chain packs (`gaoxin chains map`): a node id (NEV.M2), or a
node name that only one pack has (驱动电机), or 「包/名称」 (新能源汽车/驱动电机). Leads entered before this rule
kept free text: they stay as written (no pack), the page shows the text without a link."""

from __future__ import annotations

from functools import lru_cache

from gaoxin.cases.ledger import CaseError
from gaoxin.chains.packs import Node, Pack, find_pack, load_packs


@lru_cache(maxsize=1)
def _packs() -> dict[str, Pack]:
    return load_packs()


def _hit(pack: Pack, node: Node) -> dict:
    return {"chain_node": node.id, "chain_pack": pack.id, "chain_node_name": f"{pack.name}/{node.name}"}


def resolve(text: str) -> dict:
    """The lead fields of a chosen node: chain_node (id), chain_pack, chain_node_name. Raises CaseError naming
    the choices when the text names no node (or more than one)."""
    key = (text or "").strip()
    packs = _packs()
    for pack in packs.values():
        node = pack.nodes.get(key) or pack.nodes.get(key.upper())
        if node is not None and not node.is_root:
            return _hit(pack, node)
    if "/" in key:
        head, _, name = key.partition("/")
        pack = find_pack(packs, head.strip())
        if pack is not None:
            hits = [n for n in pack.leaves() if n.name == name.strip()]
            if len(hits) == 1:
                return _hit(pack, hits[0])
    hits = [(p, n) for p in packs.values() for n in p.leaves() if n.name == key]
    if len(hits) == 1:
        return _hit(*hits[0])
    if len(hits) > 1:
        named = "、".join(f"{n.id}（{p.name}）" for p, n in hits)
        raise CaseError(f"产业链环节「{key}」在多条产业链中都有：{named}，请写环节编号")
    raise CaseError(
        f"产业链环节「{key}」不在产业链图谱中：请写环节编号（如 NEV.M2 驱动电机）或「产业链/环节」，"
        "可选环节见 gaoxin chains map"
    )


def choices() -> list[dict]:
    """Every node a lead may name, pack by pack (for a picker)."""
    return [
        {"pack": p.id, "pack_name": p.name, "node": n.id, "name": n.name, "stage": n.stage_name}
        for p in _packs().values()
        for n in p.leaves()
    ]
