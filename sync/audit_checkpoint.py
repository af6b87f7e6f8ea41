"""A desk's audit chain against the hub's copy: send the periodic checkpoint (the link number
and hash the chain ends with) and compare every local link with what the hub holds, so a
chain rewritten with the database key still shows (the hub kept the original hashes)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from desktop.domain.audit_chain import ChainReport
from desktop.store.audit_log import chain_links, check_chain
from desktop.store.store import Store
from sync.hub_client import HubApi


@dataclass(frozen=True)
class HubComparison:
    """Where this desk's chain first differs from the hub's copy (``None``: it does not)."""

    compared: int
    differs_at: int | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.differs_at is None

    def message(self) -> str:
        if self.ok:
            return f"与市级平台核对一致：{self.compared} 条"
        return f"与市级平台核对：第 {self.differs_at} 条{self.problem}"


def push_checkpoint(store: Store, api: HubApi) -> ChainReport:
    """Check the local chain, then have the hub check its copy against the chain's end."""
    return send_checkpoint(api, check_chain(store))


def send_checkpoint(api: HubApi, local: ChainReport) -> ChainReport:
    """Send the end of an intact local chain; the hub's verdict on its copy comes back."""
    if not local.ok:
        return local
    body = json.dumps({"seq": local.head_seq, "hash": local.head_hash}).encode()
    answer = json.loads(api._call("POST", "/audit/checkpoint", body, what="操作日志校验点"))
    if answer["ok"]:
        return local
    return ChainReport(
        answer["checked"], answer["head_seq"], "", answer["broken_seq"] or 0, "", answer["message"]
    )


def compare_with_hub(store: Store, api: HubApi) -> HubComparison:
    """Compare each local link's hash with the hub's; links not yet sent are not compared."""
    answer = json.loads(api._call("GET", "/audit/links", what="操作日志"))
    hub = {int(seq): digest for seq, digest in answer["links"]}
    local = chain_links(store)
    compared = 0
    for seq, digest in sorted(hub.items()):
        mine = local.get(seq)
        if mine is None:
            return HubComparison(compared, seq, "在本机已不存在（被删除）")
        if mine != digest:
            return HubComparison(compared, seq, "与平台保存的不同（本机被改写）")
        compared += 1
    return HubComparison(compared, None)
