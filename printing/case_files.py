"""The real file of one case as documents print it: the filled 入户调查表 and the archive dossier
(归档案卷) built from the store, one case or a selection with progress and cancel.

Who may print is decided here, for every caller; each print is a read of a full file and is
audited. Identity and phone numbers reach ``reports`` whole and are masked by
``reports.privacy`` on every page (domain.md §3), so no printed page shows them in full.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.policy import assess
from desktop.errors import DeskError, NotFound, PermissionDenied, ReportError
from desktop.money import ZERO
from desktop.services.base import ALL_ROLES, Actor, Role, Scope, service, unit_of_work
from desktop.services.cases.assessment import PROGRAMME_OF, summary_of
from desktop.services.cases.case_steps import load_snapshot
from desktop.services.cases.case_views import case_timeline
from desktop.services.cases.surveys import SurveyView, get_survey
from desktop.services.family.documents import list_documents
from desktop.services.family.finances import ASSET_KINDS, INCOME_KINDS, list_finances
from desktop.services.family.household_facts import household_facts
from desktop.services.policy.policy_admin import load_policy
from desktop.store.models import Application, Person
from desktop.store.store import Store
from printing.letters import approval_letter_for, refusal_letter_for
from printing.records import case_record
from reports import data as rd
from reports.archive import (
    ArchiveBatchResult,
    ArchiveFailure,
    LazyCase,
    render_archive,
    render_archive_batch,
)
from reports.forms import render_home_survey

# Who prints the whole file (it holds health and income facts): the window, the supervisor and
# the administrator; the survey form also the surveyors who filled it. Coordinators see IDs
# masked on screen and print neither.
DOSSIER_ROLES = frozenset({Role.CLERK, Role.SUPERVISOR, Role.ADMIN})
SURVEY_PRINT_ROLES = frozenset({Role.CLERK, Role.SURVEYOR, Role.SUPERVISOR, Role.ADMIN})
IMAGE_MIMES = ("image/png", "image/jpeg")
Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


def _check(actor: Actor, roles: frozenset[Role], what: str) -> None:
    if actor.role not in roles:
        names = "、".join(r.label for r in Role if r in roles)
        raise PermissionDenied(f"{actor.role.label}不能打印{what}（仅限：{names}）")


def _case_in_scope(session: Session, actor: Actor, application_id: str) -> Application:
    app = session.get(Application, application_id)
    if app is None or app.deleted:
        raise NotFound("该案件不存在或已删除")
    if actor.office_id not in (app.residence_office_id, app.hukou_office_id):
        raise PermissionDenied("本街道不是该案件的居住地或户籍地，不能打印其档案")
    return app


def _audit(store: Store, actor: Actor, application_id: str, action: str, what: str) -> str:
    """Record the print (a read of the full file); returns the case number."""
    with unit_of_work(store, actor) as uow:
        app = _case_in_scope(uow.session, actor, application_id)
        uow.audit(action, "application", app.id, f"打印{what}：{app.number}")
        return app.number


def _image(store: Store, sha256: str, mime: str) -> bytes | None:
    if mime not in IMAGE_MIMES or not sha256 or not store.attachments.has(sha256):
        return None  # not an image, or the file has not arrived on this device yet
    return store.attachments.get(sha256)


def _money_lines(store: Store, household_id: str) -> tuple[tuple[rd.MoneyLine, ...], ...]:
    """Incomes as monthly averages per kind and member, then assets."""
    incomes, assets = list_finances(store, household_id)
    with store.sessions.read() as s:
        names = {
            p.id: p.name
            for p in s.scalars(select(Person).where(Person.household_id == household_id))
        }
    months: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for i in incomes:
        months[(INCOME_KINDS.get(i.kind, i.kind), names.get(i.person_id or "", "家庭"))].append(
            i.amount
        )
    income = tuple(
        rd.MoneyLine(kind, (sum(v, ZERO) / len(v)).quantize(Decimal("0.01")), owner, "月均")
        for (kind, owner), v in months.items()
    )
    asset = tuple(rd.MoneyLine(ASSET_KINDS.get(a.kind, a.kind), a.amount, "家庭", a.note)
                  for a in assets)  # fmt: skip
    return income, asset


def _survey_record(store: Store, app_id: str, survey: SurveyView) -> rd.HomeSurvey:
    sections = survey.sections
    with store.sessions.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        case = case_record(s, app, survey.visited_on or date.today())
    docs = {d.id: d for d in list_documents(store, app_id)}
    signatures = []
    for name, doc_id in (sections.get("signatures") or {}).items():
        doc = docs.get(doc_id)
        image = _image(store, doc.sha256, doc.mime) if doc else None
        if image is not None:
            role = "调查人" if name in survey.surveyors else "家庭成员"
            signatures.append(rd.Signature(name, role, image))
    income, assets = _money_lines(store, case_household(store, app_id))
    text = {k: str(sections.get(k) or "").strip() for k in
            ("income", "assets", "housing", "neighbours", "findings", "opinion")}  # fmt: skip
    remarks = "" if survey.locked else "本表为草稿，尚未定稿。"
    return rd.HomeSurvey(
        case=case,
        survey_date=survey.visited_on or date.today(),
        income=income,
        assets=assets,
        housing=text["housing"],
        living="",
        visits=(),
        surveyors=survey.surveyors,
        present=survey.members_present,
        signatures=tuple(signatures),
        remarks=remarks,
        income_note=text["income"],
        assets_note=text["assets"],
        visits_note=text["neighbours"],
        findings=text["findings"],
        opinion=text["opinion"],
    )


def case_household(store: Store, application_id: str) -> str:
    """The household id of an application."""
    with store.sessions.read() as s:
        app = s.get(Application, application_id)
        if app is None or app.deleted:
            raise NotFound("该案件不存在或已删除")
        return app.household_id


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def home_survey_for(store: Store, actor: Actor, application_id: str) -> rd.HomeSurvey:
    """入户调查表 of the case as filled in (a draft prints marked as one)."""
    _check(actor, SURVEY_PRINT_ROLES, "入户调查表")
    with store.sessions.read() as s:
        _case_in_scope(s, actor, application_id)
    survey = get_survey(store, application_id)
    if survey is None:
        raise ReportError("该案件还没有填写入户调查表，可在打印中心打印空白表")
    return _survey_record(store, application_id, survey)


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def render_case_survey(store: Store, actor: Actor, application_id: str) -> bytes:
    """PDF of the case's filled 入户调查表 (audited)."""
    record = home_survey_for(store, actor, application_id)
    _audit(store, actor, application_id, "print_survey", "入户调查表")
    return render_home_survey(record)


def _calculation(a: dict[str, Any], amount: Decimal) -> tuple[rd.CalcLine, ...]:
    lines: list[rd.CalcLine] = []
    if a.get("standard") and a.get("members"):
        standard, members = Decimal(a["standard"]), int(a["members"])
        lines.append(rd.CalcLine("保障标准 × 家庭人口", standard * members,
                                 f"{standard:,.2f} 元 × {members} 人"))  # fmt: skip
    if a.get("income_total") is not None:
        lines.append(rd.CalcLine("家庭月收入", Decimal(a["income_total"]), "核对报告及入户调查"))
    if a.get("income_per_capita") is not None:
        lines.append(rd.CalcLine("家庭月人均收入", Decimal(a["income_per_capita"]), ""))
    basis = a.get("programme_name") or "审核确认金额"
    month = f"，{a['month']}核算" if a.get("month") else ""
    lines.append(rd.CalcLine("月救助金额", amount, f"审核确认金额（{basis}{month}）"))
    return tuple(lines)


def _computed(
    store: Store, session: Session, actor: Actor, app: Application, on: date
) -> dict[str, Any]:
    """The engine's figures for a case decided without a saved assessment (imported, demo)."""
    month = on.replace(day=1)
    try:
        facts = household_facts(session, app.household_id, month)
        result = assess(facts, month, load_policy(store))
        programme = PROGRAMME_OF.get(app.assistance_type, "dibao")
        return summary_of(result, programme, "", actor)
    except (DeskError, KeyError):
        return {}  # the sheet then shows the decided amount alone


def _attachments(store: Store, application_id: str) -> tuple[rd.Attachment, ...]:
    """Scanned documents received as images (signatures print inside the survey form)."""
    out = []
    for d in list_documents(store, application_id):
        if d.status != "received" or d.kind == "signature":
            continue
        image = _image(store, d.sha256, d.mime)
        if image is not None:
            out.append(rd.Attachment(d.title, image))
    return tuple(out)


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def archive_case_for(
    store: Store, actor: Actor, application_id: str, archived_on: date | None = None
) -> rd.ArchiveCase:
    """Everything of one case that goes into its archive dossier, read from the store."""
    _check(actor, DOSSIER_ROLES, "档案")
    with store.sessions.read() as s:
        app = _case_in_scope(s, actor, application_id)
        snap = load_snapshot(s, app)
        case = case_record(s, app, snap.decision_on or date.today())
        assessment = dict(app.assessment or {}) or _computed(
            store, s, actor, app, snap.decision_on or app.applied_on
        )
        auth = rd.CheckAuthorization(case, snap.accepted_on or app.applied_on)
    approval = refusal = None
    if snap.refusal_reasons and snap.decision_on:
        refusal = refusal_letter_for(store, actor, application_id)
    elif snap.decision_on and snap.approved_amount is not None:
        approval = approval_letter_for(store, actor, application_id)
        case = approval.case
    survey = get_survey(store, application_id)
    timeline = tuple(
        rd.TimelineEvent(
            item.on or item.at.date(),
            item.label_cn,
            item.actor_name,
            "" if item.summary == item.label_cn else item.summary,
        )
        for item in case_timeline(store, application_id)
    )
    return rd.ArchiveCase(
        case=case,
        archived_on=archived_on or snap.archived_on or date.today(),
        calculation=_calculation(assessment, case.amount),
        timeline=timeline,
        approval=approval,
        refusal=refusal,
        survey=_survey_record(store, application_id, survey) if survey and survey.locked else None,
        authorization=auth,
        attachments=_attachments(store, application_id),
        archivist=actor.display_name,
    )


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def render_case_dossier(store: Store, actor: Actor, application_id: str) -> bytes:
    """PDF of one case's archive dossier with bookmarks and contents (audited)."""
    record = archive_case_for(store, actor, application_id)
    _audit(store, actor, application_id, "print_archive", "档案")
    return render_archive(record)


@service(roles=ALL_ROLES, scope=Scope.APPLICATIONS("application_ids"))
def render_dossier_batch(
    store: Store,
    actor: Actor,
    application_ids: Sequence[str],
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ArchiveBatchResult:
    """Dossiers of a selection of cases: progress per case, stops cleanly when cancelled; a
    case that cannot be read or rendered is listed with its reason, the others still print."""
    _check(actor, DOSSIER_ROLES, "档案")
    good: dict[str, str] = {}  # number → application id
    failures: list[ArchiveFailure] = []
    with store.sessions.read() as s:
        for app_id in application_ids:
            try:
                app = _case_in_scope(s, actor, app_id)
                good[app.number] = app.id
            except DeskError as exc:
                found = s.get(Application, app_id)
                failures.append(ArchiveFailure(found.number if found else app_id, exc.message))
    if not good:
        if failures:
            raise ReportError(f"所选案件都不能打印档案：{failures[0].message}")
        raise ReportError("没有选择要打印档案的案件")

    # Each case is read only when the batch reaches it; one whose data cannot be read is
    # listed with its reason and the batch goes on.
    lazy = [
        LazyCase(number, lambda i=app_id: archive_case_for(store, actor, i))  # type: ignore[misc]
        for number, app_id in good.items()
    ]
    result = render_archive_batch(lazy, progress=progress, cancelled=cancelled)
    for f in result.files:  # audit the prints actually made
        _audit(store, actor, good[f.case_no], "print_archive", "档案（批量）")
    if not failures:
        return result
    return ArchiveBatchResult(result.files, (*failures, *result.failures),
                              result.total + len(failures), result.cancelled)  # fmt: skip


DOSSIER = "dossier"
SURVEY_FORM = "survey_form"
FILE_TITLES = {DOSSIER: "社会救助家庭档案", SURVEY_FORM: "入户调查表"}


def file_print_options(
    actor: Actor, decided: bool, survey_status: str
) -> list[tuple[str, str, str]]:
    """The case-file prints of the case page: ``(kind, title, reason)`` with ``reason`` empty
    when this user may print it now, else the Chinese reason why not."""
    dossier = ""
    if actor.role not in DOSSIER_ROLES:
        dossier = f"{actor.role.label}不能打印档案"
    elif not decided:
        dossier = "案件尚未审核确认或作出不予救助决定，还不能打印档案"
    survey = ""
    if actor.role not in SURVEY_PRINT_ROLES:
        survey = f"{actor.role.label}不能打印入户调查表"
    elif survey_status == "未填写":
        survey = "还没有填写入户调查表"
    return [(DOSSIER, FILE_TITLES[DOSSIER], dossier),
            (SURVEY_FORM, FILE_TITLES[SURVEY_FORM], survey)]  # fmt: skip
