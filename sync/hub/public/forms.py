"""Form input of the public pages, checked strictly: every field has a limit, every refusal a
Chinese message naming the field. Nothing here touches the database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs

from desktop.domain.ids import parse_id
from desktop.domain.policy import codes
from desktop.errors import ValidationError

MAX_FORM_BYTES = 16 * 1024
MAX_ROWS = 6
PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$|^0[0-9]{2,3}-?[0-9]{7,8}$")
NAME_RE = re.compile(r"^[\u3400-\u9fff·]{2,20}$")
MONEY_MAX = Decimal("10000000")
ASSISTANCE = {
    "dibao": "最低生活保障（低保）",
    "bianyuan": "低保边缘家庭",
    "tekun": "特困人员救助供养",
    "linshi_jinan": "临时救助（急难型）",
    "linshi_zhichu": "临时救助（支出型）",
}
APPLY_AT = {"residence": "居住地街道（乡镇）", "hukou": "户籍地街道（乡镇）"}
WORK = {"full": "有劳动能力", "partial": "部分丧失", "none": "无劳动能力"}
EMPLOYMENT = {
    "unemployed": "无业",
    "employed": "就业",
    "self_employed": "灵活就业",
    "retired": "退休",
}
LEVELS = {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}


class FormError(ValueError):
    """Every problem of one submitted form, (field label, Chinese message) each."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("；".join(f"{f}：{m}" for f, m in problems))
        self.problems = problems


def parse_form(body: bytes) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body; a repeated or over-long field refuses."""
    if len(body) > MAX_FORM_BYTES:
        raise FormError([("表单", "内容过长")])
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise FormError([("表单", "编码无效，请使用 UTF-8")]) from None
    fields = parse_qs(text, keep_blank_values=True, max_num_fields=120)
    out: dict[str, str] = {}
    for key, values in fields.items():
        if len(values) != 1 or len(key) > 40:
            raise FormError([("表单", "字段重复或无效")])
        out[key] = values[0].strip()
    return out


class _Collector:
    def __init__(self, form: dict[str, str]) -> None:
        self.form = form
        self.problems: list[tuple[str, str]] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append((field, message))

    def text(self, key: str, field: str, max_len: int, required: bool = True) -> str:
        value = self.form.get(key, "")
        if required and not value:
            self.fail(field, "不能为空")
        elif len(value) > max_len:
            self.fail(field, f"不能超过{max_len}个字")
        elif any(ord(c) < 32 for c in value):
            self.fail(field, "含有无效字符")
        return value

    def pick(self, key: str, field: str, options: dict[str, str], default: str = "") -> str:
        value = self.form.get(key, default)
        if value not in options:
            self.fail(field, "请从列表中选择")
            return default
        return value

    def money(self, key: str, field: str) -> Decimal:
        raw = self.form.get(key, "") or "0"
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.fail(field, "应为金额数字，例如 800 或 800.50")
            return Decimal("0")
        if (
            not value.is_finite()
            or value < 0
            or value > MONEY_MAX
            or value != value.quantize(Decimal("0.01"))
        ):
            self.fail(field, "应为不小于 0、最多两位小数的金额")
            return Decimal("0")
        return value

    def age(self, key: str, field: str) -> int | None:
        raw = self.form.get(key, "")
        if not raw:
            return None
        if not raw.isdigit() or not 0 <= int(raw) <= 120:
            self.fail(field, "应为 0 至 120 的整数")
            return None
        return int(raw)

    def done(self) -> None:
        if self.problems:
            raise FormError(self.problems)


def _money_parts(c: _Collector, first: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    wage, other, deposits = (
        c.money("wage", "家庭月工资收入"),
        c.money("other_income", "其他月收入"),
        c.money("deposits", "存款及现金"),
    )
    incomes = []
    if wage:
        incomes.append({"member": first, "kind": "wage", "amount": str(wage)})
    if other:
        incomes.append({"member": first, "kind": "transfer", "amount": str(other)})
    return incomes, {"liquid": [{"kind": "deposit", "amount": str(deposits)}]}


def selfcheck_doc(form: dict[str, str], today: date) -> dict[str, Any]:
    """The 自助评估 form as one household in the policy input format."""
    c = _Collector(form)
    members: list[dict[str, Any]] = []
    for i in range(1, MAX_ROWS + 1):
        where = f"第{i}位成员"
        age = c.age(f"m{i}_age", f"{where}年龄")
        if age is None:
            if i == 1 and not c.problems:
                c.fail(f"{where}年龄", "请至少填写申请人本人的年龄")
            continue
        m: dict[str, Any] = {
            "id": str(i),
            "relation": "applicant"
            if i == 1
            else c.pick(f"m{i}_relation", f"{where}关系", _not_applicant(), "other"),
            "sex": c.pick(f"m{i}_sex", f"{where}性别", codes.SEXES, "male"),
            "age": age,
            "work_capacity": c.pick(f"m{i}_work", f"{where}劳动能力", WORK, "full"),
            "employment": c.pick(f"m{i}_job", f"{where}就业情况", EMPLOYMENT, "unemployed"),
        }
        kind = c.pick(f"m{i}_dis", f"{where}残疾类别", {"": "", **codes.DISABILITY_TYPES}, "")
        if kind:
            level = c.pick(f"m{i}_lvl", f"{where}残疾等级", LEVELS, "4")
            m["disability"] = {"type": kind, "level": int(level)}
        ill = c.pick(f"m{i}_ill", f"{where}重病", {"": "", **codes.ILLNESS_CLASSES}, "")
        if ill:
            m["illness"] = ill
        members.append(m)
    incomes, assets = _money_parts(c, "1")
    c.done()
    return {
        "benefit_month": today.strftime("%Y-%m"),
        "single_parent": form.get("single_parent") == "1",
        "members": members,
        "incomes": incomes,
        "assets": assets,
    }


def _not_applicant() -> dict[str, str]:
    return {k: v for k, v in codes.RELATIONS.items() if k != "applicant"}


@dataclass(frozen=True)
class PreApplication:
    """A checked 码上办 form: the request payload, the office it goes to, the engine input."""

    office_code: str
    payload: dict[str, Any]
    household_doc: dict[str, Any]


def _person(c: _Collector, name_key: str, id_key: str, where: str, today: date) -> Any:
    name = c.text(name_key, f"{where}姓名", 20)
    if name and not NAME_RE.match(name):
        c.fail(f"{where}姓名", "请填写 2 至 20 个汉字")
    raw = c.form.get(id_key, "")
    try:
        info = parse_id(raw, field=f"{where}身份证号", today=today)
    except ValidationError as exc:
        c.fail(exc.field, exc.detail)
        return name, None
    return name, info


def pre_application(form: dict[str, str], offices: set[str], today: date) -> PreApplication:
    """The 码上办 form checked; FormError lists every problem."""
    c = _Collector(form)
    name, info = _person(c, "name", "id_number", "申请人", today)
    phone = c.text("phone", "联系电话", 20)
    if phone and not PHONE_RE.match(phone):
        c.fail("联系电话", "请填写 11 位手机号或带区号的固定电话")
    address = c.text("address", "居住地址", 100)
    kind = c.pick("assistance_type", "申请事项", ASSISTANCE, "dibao")
    residence = c.pick("residence_office", "居住地街道", {o: o for o in offices})
    hukou = c.pick("hukou_office", "户籍地街道", {o: o for o in offices})
    apply_at = c.pick("apply_at", "办理街道", APPLY_AT, "residence")
    need = c.text("need", "困难情况", 500, required=False)
    if form.get("consent") != "1":
        c.fail("授权", "请阅读并勾选同意街道核对家庭经济状况")
    people = [(name, info, "applicant")]
    seen = {info.number} if info else set()
    for i in range(2, MAX_ROWS + 1):
        if not (form.get(f"f{i}_name") or form.get(f"f{i}_id")):
            continue
        where = f"第{i}位成员"
        n, p = _person(c, f"f{i}_name", f"f{i}_id", where, today)
        rel = c.pick(f"f{i}_relation", f"{where}关系", _not_applicant(), "other")
        if p is not None and p.number in seen:
            c.fail(f"{where}身份证号", "与前面的成员重复")
        if p is not None:
            seen.add(p.number)
        people.append((n, p, rel))
    doc_members = [
        {
            "id": str(i),
            "relation": rel,
            "sex": "male" if p.sex == "M" else "female",
            "birth_date": p.birth_date.isoformat(),
        }
        for i, (_n, p, rel) in enumerate(people, start=1)
        if p is not None
    ]
    incomes, assets = _money_parts(c, "1")
    c.done()
    assert info is not None
    payload = {
        "caller_name": name,
        "phone": phone,
        "id_number": info.number,
        "need": need or f"码上办预申请：{ASSISTANCE[kind]}",
        "details": {
            "assistance_type": kind,
            "address": address,
            "residence_office": residence,
            "hukou_office": hukou,
            "apply_at": apply_at,
            "members": [
                {"name": n, "id_number": p.number, "relation": rel}
                for n, p, rel in people
                if p is not None
            ],
            "declared": {
                "wage": form.get("wage") or "0",
                "other_income": form.get("other_income") or "0",
                "deposits": form.get("deposits") or "0",
            },
        },
    }
    doc = {
        "benefit_month": today.strftime("%Y-%m"),
        "members": doc_members,
        "incomes": incomes,
        "assets": assets,
    }
    office = residence if apply_at == "residence" else hukou
    return PreApplication(office, payload, doc)


QUERY_RE = re.compile(r"^(MB[A-Z0-9]{10}|[0-9]{9,12}-[0-9]{4}-[0-9A-Z-]{4,12})$")
SUFFIX_RE = re.compile(r"^[0-9]{5}[0-9X]$")


def lookup_query(form: dict[str, str]) -> tuple[str, str]:
    """The 码上查 form: the reference or case number, and the last 6 ID characters."""
    c = _Collector(form)
    number = c.text("number", "查询号", 40).upper()
    suffix = c.text("suffix", "身份证号后6位", 6).upper()
    if number and not QUERY_RE.match(number):
        c.fail("查询号", "应为 MB 开头的 12 位预申请编号，或案件编号")
    if suffix and not SUFFIX_RE.match(suffix):
        c.fail("身份证号后6位", "应为 6 位，最后一位可以是 X")
    c.done()
    return number, suffix
