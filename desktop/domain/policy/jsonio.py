"""The JSON input format of the policy engine: parse (Decimal, never float), validate against
the JSON Schema with Chinese messages, build households, and render assessments as JSON."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match

from desktop.domain.policy.codes import PROGRAMMES
from desktop.domain.policy.household import (
    Dwelling,
    Hardship,
    Household,
    IncomeItem,
    Member,
    Vehicle,
)
from desktop.domain.policy.result import Assessment, PersonResult, ProgrammeResult, Reason
from desktop.errors import ValidationError
from desktop.money import to_money

FIELD_CN = {
    "benefit_month": "救助月份", "income_month": "收入参照月份", "district": "地区代码",
    "setting": "供养方式", "decision_date": "审核确认日期", "single_parent": "单亲家庭",
    "childless": "无子女", "family_planning_support": "计生特扶家庭", "members": "家庭成员",
    "incomes": "收入明细", "assets": "家庭财产", "liquid": "货币财产", "vehicles": "车辆",
    "dwellings": "住房", "rigid_spending": "刚性支出", "hardship": "临时困难",
    "id": "成员编号", "relation": "与申请人关系", "sex": "性别", "birth_date": "出生日期",
    "age": "年龄", "disability": "残疾情况", "type": "残疾类别", "level": "残疾等级",
    "illness": "疾病类别", "work_capacity": "劳动能力", "student": "在校情况",
    "employment": "就业状况", "self_care_failed": "生活自理评估", "supporter": "法定义务人情况",
    "found_work_on": "就业日期", "member": "成员编号", "month": "月份", "kind": "类别",
    "amount": "金额", "purpose": "车辆用途", "floor_area": "建筑面积", "residential": "是否住宅",
    "requested": "申请金额", "households": "家庭列表", "ref": "编号",
}  # fmt: skip


@cache
def input_schema() -> dict[str, Any]:
    """The JSON Schema of the input format (shipped inside the package)."""
    text = resources.files("desktop.domain.policy").joinpath("input.schema.json").read_text("utf-8")
    return dict(json.loads(text))


@cache
def _household_validator() -> Draft202012Validator:
    schema = input_schema()
    return Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/household"})


def loads(text: str) -> Any:
    """Parse JSON with every non-integer number as Decimal; ValidationError on bad syntax."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            "JSON 输入",
            f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）",
            "bad_json",
        ) from None


def field_path_cn(path: list[Any]) -> str:
    """``['members', 0, 'age']`` → ``家庭成员第1项的年龄``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"第{part + 1}项"
        else:
            out += ("的" if out else "") + FIELD_CN.get(part, str(part))
    return out or "输入"


_MONEY_FIELDS = ("amount", "requested", "floor_area")


def _message_cn(err: SchemaError) -> tuple[str, str]:
    path = list(err.absolute_path)
    field = field_path_cn(path)
    inst = err.instance
    if err.validator == "required":
        missing = [k for k in err.validator_value if k not in inst]
        name = FIELD_CN.get(missing[0], missing[0]) if missing else ""
        return field, f"缺少必填项“{name}”"
    if err.validator == "additionalProperties":
        extra = [k for k in inst if k not in err.schema.get("properties", {})]
        return field, f"含有无法识别的字段“{'、'.join(map(str, extra))}”"
    if err.validator == "enum":
        return field, f"未知的代码“{inst}”，可选：{'、'.join(map(str, err.validator_value))}"
    if (
        path
        and path[-1] in _MONEY_FIELDS
        and err.validator in ("oneOf", "pattern", "minimum", "type")
    ):
        if isinstance(inst, (int, Decimal)) or (
            isinstance(inst, str) and inst.strip().startswith("-")
        ):
            negative = isinstance(inst, str) or inst < 0
            if negative:
                return field, f"不能为负数（{inst}）"
        return field, f"“{inst}”不是有效的金额（应为非负数，最多两位小数）"
    if err.validator == "pattern":
        return field, f"“{inst}”格式不正确"
    if err.validator == "type":
        return field, f"类型不正确（应为 {err.validator_value}）"
    if err.validator in ("minimum", "maximum"):
        return field, f"{inst} 超出允许范围"
    if err.validator == "minItems":
        return field, "至少需要一项"
    return field, "格式不正确"


def validate_doc(doc: Any) -> list[dict[str, Any]]:
    """Validate one household or a ``{"households": [...]}`` batch; return the household dicts."""
    if isinstance(doc, dict) and "households" in doc:
        items = doc["households"]
        if set(doc) != {"households"} or not isinstance(items, list) or not items:
            raise ValidationError("家庭列表", '批量输入应为 {"households": [至少一户]}', "invalid")
        prefix: list[Any] = ["households"]
    else:
        items, prefix = [doc], []
    for i, item in enumerate(items):
        err = best_match(_household_validator().iter_errors(item))
        if err is not None:
            field, message = _message_cn(err)
            where = field_path_cn([*prefix, i]) + "的" if prefix else ""
            raise ValidationError(where + field, message, "schema")
    return items


def _month(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, f"“{text}”不是有效的日期", "bad_date") from None


def member_from_dict(d: dict[str, Any]) -> Member:
    """One member from its JSON object (already schema-valid)."""
    dis = d.get("disability") or {}
    who = f"家庭成员 {d['id']} 的"
    return Member(
        id=d["id"],
        relation=d.get("relation", "applicant"),
        sex=d.get("sex", "male"),
        birth_date=_date(d["birth_date"], who + "出生日期") if "birth_date" in d else None,
        age=d.get("age"),
        disability_type=dis.get("type"),
        disability_level=dis.get("level"),
        illness=d.get("illness"),
        work_capacity=d.get("work_capacity", "full"),
        student=d.get("student", "none"),
        employment=d.get("employment", "unemployed"),
        self_care_failed=frozenset(d.get("self_care_failed", ())),
        supporter=d.get("supporter", "able"),
        found_work_on=_date(d["found_work_on"], who + "就业日期") if "found_work_on" in d else None,
    )


def household_from_dict(d: dict[str, Any]) -> tuple[Household, date]:
    """A schema-valid household object → (Household, benefit month)."""
    assets = d.get("assets", {})
    hardship = d.get("hardship")
    household = Household(
        members=tuple(member_from_dict(m) for m in d["members"]),
        incomes=tuple(
            IncomeItem(
                i["member"],
                _month(i["month"]) if "month" in i else None,
                i["kind"],
                to_money(i["amount"], "收入金额"),
            )
            for i in d.get("incomes", ())
        ),
        liquid_assets=tuple(
            (a["kind"], to_money(a["amount"], "货币财产金额")) for a in assets.get("liquid", ())
        ),
        vehicles=tuple(Vehicle(v["purpose"]) for v in assets.get("vehicles", ())),
        dwellings=tuple(
            Dwelling(to_money(w["floor_area"], "住房建筑面积"), w.get("residential", True))
            for w in assets.get("dwellings", ())
        ),
        rigid_spending=tuple(
            (r["kind"], to_money(r["amount"], "刚性支出金额")) for r in d.get("rigid_spending", ())
        ),
        setting=d.get("setting", "urban"),
        district=d.get("district"),
        income_month=_month(d["income_month"]) if "income_month" in d else None,
        single_parent=d.get("single_parent", False),
        childless=d.get("childless", False),
        family_planning_support=d.get("family_planning_support", False),
        hardship=Hardship(hardship["kind"], to_money(hardship["requested"], "临时救助申请金额"))
        if hardship
        else None,
        decision_date=_date(d["decision_date"], "审核确认日期") if "decision_date" in d else None,
    )
    return household, _month(d["benefit_month"])


def _reason(r: Reason) -> dict[str, Any]:
    return {"rule": r.rule, "text": r.text, "ok": r.ok}


def _person(p: PersonResult) -> dict[str, Any]:
    return {
        "member": p.member_id,
        "eligible": p.eligible,
        "amount": str(p.amount),
        "reasons": [_reason(r) for r in p.reasons],
    }


def _programme(p: ProgrammeResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": PROGRAMMES[p.programme],
        "eligible": p.eligible,
        "amount": str(p.amount),
        "flags": list(p.flags),
        "reasons": [_reason(r) for r in p.reasons],
    }
    if p.persons:
        out["persons"] = [_person(x) for x in p.persons]
    if p.first_month_amount is not None:
        out["first_month_amount"] = str(p.first_month_amount)
        out["payment_start"] = p.payment_start.isoformat() if p.payment_start else None
    return out


def assessment_to_dict(a: Assessment, ref: str | None = None) -> dict[str, Any]:
    """JSON-ready form of an assessment; money as strings with two places."""
    out: dict[str, Any] = {"ref": ref} if ref else {}
    out.update(
        {
            "benefit_month": a.month.strftime("%Y-%m"),
            "district": a.district,
            "members": a.size,
            "standard": str(a.standard),
            "income_total": str(a.income_total),
            "income_per_capita": str(a.income_per_capita),
            "needs_review": a.needs_review,
            "income_reasons": [_reason(r) for r in a.income_reasons],
            "programmes": {code: _programme(p) for code, p in a.programmes.items()},
        }
    )
    return out
