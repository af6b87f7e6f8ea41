"""HTML of the public pages: small, server-rendered, every value escaped, no script."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from html import escape
from typing import Any

from desktop.domain.policy import codes
from desktop.domain.policy.plain import PlainPolicy
from desktop.domain.policy.selfcheck import COMMON_DOCUMENTS
from sync.hub.public import forms
from sync.hub.public.data import Progress, Window
from sync.hub.public.security import CSRF_FIELD

CSS = """
*{box-sizing:border-box}body{margin:0;font:17px/1.6 system-ui,"PingFang SC","Microsoft YaHei",
sans-serif;color:#1b1f23;background:#f6f7f9}header{background:#b3261e;color:#fff;padding:12px 16px}
header a{color:#fff;text-decoration:none}h1{font-size:20px;margin:0}main{padding:12px 16px;
max-width:640px;margin:0 auto}h2{font-size:18px;margin:20px 0 8px}section,form{background:#fff;
border-radius:8px;padding:12px;margin:10px 0}label{display:block;margin:10px 0 2px;font-weight:600}
input,select,textarea{width:100%;font-size:17px;padding:8px;border:1px solid #8c959f;border-radius:6px}
input[type=checkbox],input[type=radio]{width:auto}button{width:100%;margin-top:14px;padding:12px;
font-size:18px;background:#b3261e;color:#fff;border:0;border-radius:8px}nav a{display:block;
background:#fff;margin:10px 0;padding:14px;border-radius:8px;color:#1b1f23;text-decoration:none;
border-left:6px solid #b3261e}nav b{font-size:19px}table{width:100%;border-collapse:collapse}
td,th{padding:6px 4px;border-bottom:1px solid #d0d7de;text-align:left}.ok{color:#1e6b31}
.no{color:#57606a}.err{background:#ffebe9;border:1px solid #b3261e;padding:10px;border-radius:8px}
.ref{font-size:26px;font-weight:700;letter-spacing:2px}.muted{color:#57606a;font-size:15px}
.num{white-space:nowrap;text-align:right}fieldset{border:1px solid #d0d7de;border-radius:8px;margin:10px 0}
"""


def layout(title: str, body: str) -> str:
    """One page: header with the way home, the body, no script."""
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(title)} · 天津社会救助</title>"
        "<link rel='stylesheet' href='/m/style.css'></head><body>"
        f"<header><a href='/m/'>天津社会救助</a><h1>{escape(title)}</h1></header>"
        f"<main>{body}</main></body></html>"
    )


def index() -> str:
    links = (
        ("/m/zhi", "码上知", "低保、特困、临时救助标准，谁能申请，带什么，到哪里办"),
        ("/m/pinggu", "自助评估", "填几项情况，看看可能符合哪些救助（不保存）"),
        ("/m/ban", "码上办", "在线预申请，街道受理后联系您"),
        ("/m/cha", "码上查", "用编号和身份证号后6位查办理进度"),
    )
    items = "".join(
        f"<a href='{href}'><b>{escape(t)}</b><br><span class='muted'>{escape(d)}</span></a>"
        for href, t, d in links
    )
    hotline = "<p class='muted'>也可以拨打 12345 政务服务便民热线，或到街道社会救助窗口咨询。</p>"
    return layout("社会救助 码上服务", f"<nav>{items}</nav>{hotline}")


def office_label(w: Window) -> str:
    """The office's name with its district in front (once)."""
    return w.name if w.name.startswith(w.district) else f"{w.district}{w.name}"


def _windows(rows: Iterable[Window]) -> str:
    cells = "".join(
        f"<tr><td>{escape(office_label(w))}<br><span class='muted'>"
        f"{escape(w.address)}</span></td><td class='num'>{escape(w.phone) or '—'}</td></tr>"
        for w in rows
    )
    return f"<table><tr><th>窗口</th><th>电话</th></tr>{cells}</table>"


def policy_page(plain: PlainPolicy, month: str, windows: list[Window]) -> str:
    standards = "".join(
        f"<tr><td>{escape(s.label)}</td><td class='num'>{s.amount:,.2f}<br>"
        f"<span class='muted'>{escape(s.unit)}</span></td></tr>"
        for s in plain.standards
    )
    who = "".join(f"<li>{escape(t)}</li>" for t in plain.who_qualifies)
    bring = "".join(f"<li>{escape(t)}</li>" for t in (*plain.what_to_bring, *COMMON_DOCUMENTS))
    body = (
        f"<section><p>{escape(plain.intro)}</p></section>"
        f"<h2>{escape(month)} 保障标准</h2><section><table>{standards}</table></section>"
        f"<h2>谁可以申请</h2><section><ul>{who}</ul></section>"
        f"<h2>申请时请带上</h2><section><ul>{bring}</ul></section>"
        f"<h2>办理窗口和电话</h2><section>{_windows(windows)}"
        "<p class='muted'>一城通办：居住地或户籍地的街道（乡镇）都可以申请。"
        "政务服务便民热线 12345。</p></section>"
        "<p><a href='/m/pinggu'>自助评估</a> · <a href='/m/ban'>码上办</a> · "
        "<a href='/m/cha'>码上查</a></p>"
    )
    return layout("码上知：救助政策", body)


def _errors(problems: list[tuple[str, str]] | None) -> str:
    if not problems:
        return ""
    items = "".join(f"<li>{escape(f)}：{escape(m)}</li>" for f, m in problems)
    return f"<div class='err' role='alert'><b>请修改以下内容：</b><ul>{items}</ul></div>"


def _select(name: str, options: dict[str, str], current: str, label: str) -> str:
    opts = "".join(
        f"<option value='{escape(k)}'{' selected' if k == current else ''}>{escape(v)}</option>"
        for k, v in options.items()
    )
    return f"<label for='{name}'>{escape(label)}</label><select id='{name}' name='{name}'>{opts}</select>"


def _input(name: str, label: str, form: dict[str, str], kind: str = "text", **attrs: str) -> str:
    more = "".join(f" {k}='{escape(v)}'" for k, v in attrs.items())
    value = escape(form.get(name, ""))
    return (
        f"<label for='{name}'>{escape(label)}</label>"
        f"<input id='{name}' name='{name}' type='{kind}' value='{value}'{more}>"
    )


def _csrf(token: str) -> str:
    return f"<input type='hidden' name='{CSRF_FIELD}' value='{escape(token)}'>"


def _money_fields(form: dict[str, str]) -> str:
    money = {"inputmode": "decimal", "autocomplete": "off"}
    return (
        _input("wage", "全家每月工资收入（元）", form, **money)
        + _input("other_income", "全家每月其他收入（养老金等，元）", form, **money)
        + _input("deposits", "全家存款及现金（元）", form, **money)
    )


def selfcheck_form(token: str, form: dict[str, str], problems: Any = None) -> str:
    rows = []
    relations = {k: v for k, v in codes.RELATIONS.items() if k != "applicant"}
    for i in range(1, forms.MAX_ROWS + 1):
        who = "申请人本人" if i == 1 else f"第{i}位家庭成员（没有可不填）"
        rel = (
            ""
            if i == 1
            else _select(f"m{i}_relation", relations, form.get(f"m{i}_relation", ""), "关系")
        )
        rows.append(
            f"<fieldset><legend>{escape(who)}</legend>{rel}"
            + _input(f"m{i}_age", "年龄", form, inputmode="numeric")
            + _select(f"m{i}_sex", codes.SEXES, form.get(f"m{i}_sex", "male"), "性别")
            + _select(f"m{i}_work", forms.WORK, form.get(f"m{i}_work", "full"), "劳动能力")
            + _select(f"m{i}_job", forms.EMPLOYMENT, form.get(f"m{i}_job", "unemployed"), "就业")
            + _select(
                f"m{i}_dis", {"": "无", **codes.DISABILITY_TYPES}, form.get(f"m{i}_dis", ""), "残疾"
            )
            + _select(f"m{i}_lvl", forms.LEVELS, form.get(f"m{i}_lvl", "4"), "残疾等级")
            + _select(
                f"m{i}_ill", {"": "无", **codes.ILLNESS_CLASSES}, form.get(f"m{i}_ill", ""), "重病"
            )
            + "</fieldset>"
        )
    checked = " checked" if form.get("single_parent") == "1" else ""
    body = (
        _errors(problems)
        + "<p class='muted'>不用登录，不用填姓名和身份证号，评估结果不保存。</p>"
        + f"<form method='post' action='/m/pinggu'>{_csrf(token)}{''.join(rows)}"
        + _money_fields(form)
        + f"<label><input type='checkbox' name='single_parent' value='1'{checked}> 单亲家庭</label>"
        + "<button type='submit'>开始评估</button></form>"
    )
    return layout("自助评估", body)


def selfcheck_block(result: dict[str, Any]) -> str:
    """The result of the engine: how the income was counted, then each programme and why."""
    income = result.get("income", {})
    lines = "".join(f"<li>{escape(t)}</li>" for t in income.get("explained", []))
    parts = [
        f"<section><h2>收入怎么算</h2><ul>{lines}</ul>"
        f"<p>月人均收入：<b>{escape(str(income.get('per_capita', '')))} 元</b></p></section>"
    ]
    for item in result["programmes"]:
        ok = item["may_qualify"]
        estimate = Decimal(item["estimate"])
        amount = f"，估算 {estimate:,.2f} 元/月" if ok and estimate > 0 else ""
        why = "".join(f"<li>{escape(w)}</li>" for w in item["why"])
        verdict = "可能符合" if ok else "暂不符合"
        docs = ""
        if item["documents"]:
            docs = "<p><b>请携带：</b>" + "、".join(escape(d) for d in item["documents"]) + "</p>"
        parts.append(
            f"<section><h2 class='{'ok' if ok else 'no'}'>{escape(item['name'])}：{verdict}"
            f"{amount}</h2><ul>{why}</ul>{docs}</section>"
        )
    parts.append(f"<p class='muted'>{escape(result['note'])}</p>")
    return "".join(parts)


def selfcheck_result(result: dict[str, Any]) -> str:
    body = (
        selfcheck_block(result)
        + "<p><a href='/m/ban'>想申请？去码上办在线预申请</a></p>"
        + "<p><a href='/m/pinggu'>重新评估</a></p>"
    )
    return layout("自助评估结果", body)


def apply_form(
    token: str,
    windows: list[Window],
    form: dict[str, str],
    problems: Any = None,
    reply_days: int = 3,
) -> str:
    offices = {w.code: office_label(w) for w in windows}
    relations = {k: v for k, v in codes.RELATIONS.items() if k != "applicant"}
    members = "".join(
        f"<fieldset><legend>第{i}位家庭成员（没有可不填）</legend>"
        + _input(f"f{i}_name", "姓名", form, autocomplete="off")
        + _input(f"f{i}_id", "身份证号", form, autocomplete="off")
        + _select(f"f{i}_relation", relations, form.get(f"f{i}_relation", ""), "关系")
        + "</fieldset>"
        for i in range(2, forms.MAX_ROWS + 1)
    )
    at = form.get("apply_at", "residence")
    radios = "".join(
        f"<label><input type='radio' name='apply_at' value='{k}'"
        f"{' checked' if k == at else ''}> {escape(v)}</label>"
        for k, v in forms.APPLY_AT.items()
    )
    consent = " checked" if form.get("consent") == "1" else ""
    body = (
        _errors(problems)
        + f"<p class='muted'>提交后街道（乡镇）社会救助窗口会在 {reply_days} 个工作日内联系您。"
        "一城通办：可以选居住地或户籍地办理。</p>"
        + f"<form method='post' action='/m/ban'>{_csrf(token)}"
        + _select(
            "assistance_type", forms.ASSISTANCE, form.get("assistance_type", "dibao"), "申请事项"
        )
        + "<fieldset><legend>申请人</legend>"
        + _input("name", "姓名", form, autocomplete="name")
        + _input("id_number", "身份证号", form, autocomplete="off")
        + _input("phone", "联系电话", form, "tel", autocomplete="tel")
        + _input("address", "居住地址", form, autocomplete="street-address")
        + "</fieldset>"
        + members
        + _money_fields(form)
        + _select(
            "residence_office", offices, form.get("residence_office", ""), "居住地街道（乡镇）"
        )
        + _select("hukou_office", offices, form.get("hukou_office", ""), "户籍地街道（乡镇）")
        + f"<fieldset><legend>在哪里办理</legend>{radios}</fieldset>"
        + "<label for='need'>困难情况（可不填）</label>"
        + f"<textarea id='need' name='need' rows='3' maxlength='500'>{escape(form.get('need', ''))}</textarea>"
        + f"<label><input type='checkbox' name='consent' value='1'{consent}> "
        "我同意街道（乡镇）为审核申请核对家庭经济状况</label>"
        + "<button type='submit'>提交预申请</button></form>"
    )
    return layout("码上办：在线预申请", body)


def apply_done(reference: str, office: str, due: str, result: dict[str, Any]) -> str:
    body = (
        "<section><p>预申请已提交。请记下您的编号：</p>"
        f"<p class='ref'>{escape(reference)}</p>"
        f"<p>受理街道：{escape(office)}<br>答复期限：{escape(due)} 前</p>"
        "<p class='muted'>用这个编号和申请人身份证号后6位可在“码上查”查看进度。</p></section>"
        "<h2>自助评估（仅供参考）</h2>"
        + selfcheck_block(result)
        + "<p><a href='/m/cha'>去码上查</a></p>"
    )
    return layout("码上办：已提交", body)


def lookup_form(token: str, form: dict[str, str], problems: Any = None, note: str = "") -> str:
    notice = f"<div class='err' role='alert'>{escape(note)}</div>" if note else ""
    body = (
        _errors(problems)
        + notice
        + f"<form method='post' action='/m/cha'>{_csrf(token)}"
        + _input("number", "预申请编号或案件编号", form, autocomplete="off")
        + _input("suffix", "申请人身份证号后6位", form, autocomplete="off", maxlength="6")
        + "<button type='submit'>查询进度</button></form>"
    )
    return layout("码上查：办理进度", body)


def lookup_result(progress: Progress) -> str:
    dates = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in progress.dates)
    deadline = ""
    if progress.next_deadline:
        step = f"（{escape(progress.next_step)}）" if progress.next_step else ""
        deadline = f"<tr><td>下一步期限</td><td>{escape(progress.next_deadline)}{step}</td></tr>"
    body = (
        f"<section><p>当前环节：</p><p class='ref'>{escape(progress.step)}</p>"
        f"<table>{dates}{deadline}</table></section>"
        "<p><a href='/m/cha'>再查一次</a></p>"
    )
    return layout("码上查：办理进度", body)


NOT_FOUND = "未查到与所填编号和身份证号后6位相符的记录，请核对后再试。"
TOO_MANY = "操作过于频繁，请稍后再试，或拨打 12345 咨询。"


def message_page(title: str, text: str) -> str:
    return layout(
        title, f"<div class='err' role='alert'>{escape(text)}</div><p><a href='/m/'>返回</a></p>"
    )
