"""The batch command run as a real subprocess, and the self-assessment with its checklists."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from desktop.domain.policy.selfcheck import self_assess_doc

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "policy-input.example.json"


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop.policy", *args],
        cwd=ROOT, input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )  # fmt: skip


def test_cli_assesses_the_documented_example() -> None:
    # m1 partial capacity: 0.6 × 1045 = 627 counted (wage 600 is lower), chronic −500;
    # m2 scholarship not counted; m3 transfer 1200, physical 2 −1000:
    # 627 + 1200 − 1500 = 327 → 3135 − 327 = 2808.00; decision 16 Sep → 2808 × 15/30 = 1404.00
    proc = _run("assess", str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["programmes"]["dibao"]["amount"] == "2808.00"
    assert out["programmes"]["dibao"]["first_month_amount"] == "1404.00"
    assert out["ref"] == "示例-1"


def test_cli_reads_a_batch_from_stdin() -> None:
    doc = json.loads(EXAMPLE.read_text("utf-8"))
    batch = {"households": [doc, {**doc, "ref": "示例-2", "benefit_month": "2025-08"}]}
    proc = _run("assess", "-", stdin=json.dumps(batch, ensure_ascii=False))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    # Aug: 3030 − (0.6 × 1010 = 606 + 1200 − 1500 = 306) = 2724.00
    assert [r["programmes"]["dibao"]["amount"] for r in out] == ["2808.00", "2724.00"]


def test_cli_rejects_malformed_json_in_chinese() -> None:
    proc = _run("assess", "-", stdin='{"benefit_month": "2025-09", ')
    assert proc.returncode == 3 and proc.stdout == ""
    assert "不是有效的 JSON" in proc.stderr


def test_cli_names_the_field_of_a_negative_amount() -> None:
    doc = json.loads(EXAMPLE.read_text("utf-8"))
    doc["incomes"][0]["amount"] = "-600.00"
    proc = _run("assess", "-", stdin=json.dumps(doc, ensure_ascii=False))
    assert proc.returncode == 3
    assert "收入明细第1项的金额：不能为负数" in proc.stderr


def test_cli_unknown_code_and_missing_member() -> None:
    doc = json.loads(EXAMPLE.read_text("utf-8"))
    doc["members"][0]["illness"] = "flu"
    proc = _run("assess", "-", stdin=json.dumps(doc, ensure_ascii=False))
    assert proc.returncode == 3 and "家庭成员第1项的疾病类别：未知的代码“flu”" in proc.stderr
    doc = json.loads(EXAMPLE.read_text("utf-8"))
    doc["incomes"][0]["member"] = "m9"
    proc = _run("assess", "-", stdin=json.dumps(doc, ensure_ascii=False))
    assert proc.returncode == 3 and "收入对应的成员 m9 不在家庭中" in proc.stderr


def test_cli_month_without_policy_exits_4() -> None:
    doc = json.loads(EXAMPLE.read_text("utf-8"))
    doc["benefit_month"] = "2019-05"
    doc.pop("decision_date")
    proc = _run("assess", "-", stdin=json.dumps(doc, ensure_ascii=False))
    assert proc.returncode == 4 and "2019年05月没有政策参数" in proc.stderr


def test_self_assessment_lists_programmes_and_documents() -> None:
    # a resident's few numbers: 2 people, the mother 62 with a physical level-2 disability,
    # pension 1500/month (no month given: a monthly figure); son 28 works, wage 3000
    # son: 3000 − 500 (cap) = 2500; mother −1000 → 1500 + 2500 − 1000 = 3000 → 1500 per head
    # not 低保 (1500 > 1045), 边缘 (≤ 1567.5) with grant 314 (disabled member); the mother is
    # an unemployed adult with a level-2 disability → 单人保: 1045 − (1500 − 1000) = 545.00
    doc = {
        "benefit_month": "2025-09",
        "members": [
            {"id": "妈妈", "relation": "applicant", "sex": "female", "age": 62, "work_capacity": "none",
             "disability": {"type": "physical", "level": 2}},
            {"id": "儿子", "relation": "child", "sex": "male", "age": 28, "employment": "employed"},
        ],
        "incomes": [
            {"member": "妈妈", "kind": "transfer", "amount": 1500},
            {"member": "儿子", "kind": "wage", "amount": "3000"},
        ],
        "assets": {"liquid": [{"kind": "deposit", "amount": "20000"}]},
    }  # fmt: skip
    out = self_assess_doc(doc)
    assert out["may_qualify"] == ["dibao_single", "bianyuan"]
    single, edge = out["programmes"][:2]
    assert (single["estimate"], edge["estimate"]) == ("545.00", "314.00")
    assert "低保边缘家庭认定申请书" in edge["documents"] and "残疾人证" in edge["documents"]
    assert "残疾人证或重病诊断证明（单独纳入依据）" in single["documents"]
    assert "劳动合同或收入证明" in edge["documents"]
    assert all(p["documents"] == [] for p in out["programmes"][2:])
    assert "仅供参考" in out["note"]


def test_cli_self_assess_command() -> None:
    proc = _run("self-assess", str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert "dibao" in out["may_qualify"]
