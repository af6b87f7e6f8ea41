"""A desk's audit chain against the hub's copy: send the periodic checkpoint (the link number
and hash the chain ends with, and the policy table's digest) and compare every local link with
what the hub holds, so a chain rewritten with the database key still shows (the hub kept the
original hashes), and so does a policy table changed behind the program's back (the hub holds
the digest the last policy change recorded)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from desktop.domain.audit_chain import ChainReport
from desktop.store.audit_log import chain_links, check_chain_today
from desktop.store.policy_table import stored_digest
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


@dataclass(frozen=True)
class LocalState:
    """What a checkpoint reports: the local chain's check and the policy table's digest."""

    chain: ChainReport
    policy_digest: str


@dataclass(frozen=True)
class Verdict:
    """The hub's answer: its copy of the chain, and whether the policy table this desk
    reports is the one the chain last recorded (``policy_message`` empty when it is)."""

    chain: ChainReport
    policy_message: str = ""

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.policy_message

    def messages(self) -> list[str]:
        out = [] if self.chain.ok else [self.chain.message()]
        return out + ([self.policy_message] if self.policy_message else [])


def local_state(store: Store) -> LocalState:
    """The local chain's check (whole at the day's first sync, then from the head it
    verified) and the policy digest, read in one go (a store step)."""
    return LocalState(check_chain_today(store, date.today()), stored_digest(store))


def push_checkpoint(store: Store, api: HubApi) -> Verdict:
    """Check the local chain, then have the hub check its copy against the chain's end."""
    return send_checkpoint(api, local_state(store))


def send_checkpoint(api: HubApi, local: LocalState) -> Verdict:
    """Send the end of an intact local chain and the policy digest; the hub's verdict comes
    back."""
    if not local.chain.ok:
        return Verdict(local.chain)
    point = {
        "seq": local.chain.head_seq,
        "hash": local.chain.head_hash,
        "policy_digest": local.policy_digest,
    }
    answer = json.loads(
        api._call("POST", "/audit/checkpoint", json.dumps(point).encode(), what="操作日志校验点")
    )
    policy = "" if answer.get("policy_ok", True) else str(answer.get("policy_message", ""))
    if answer["ok"]:
        return Verdict(local.chain, policy)
    problem = answer.get("problem") or answer["message"]
    chain = ChainReport(
        answer["checked"], answer["head_seq"], "", answer["broken_seq"] or 0, "", problem
    )
    return Verdict(chain, policy)


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
