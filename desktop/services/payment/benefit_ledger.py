"""Benefit-run records for people: the list of runs, the lines of one run, and the Excel
发放台账 (payment ledger) of a run (ID numbers masked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from sqlalchemy import select, text

from desktop.domain.ids import mask_id
from desktop.domain.policy.codes import PROGRAMMES
from desktop.domain.policy.monthly import CHANGE_KINDS
from desktop.errors import NotFound, ReportError
from desktop.services.family.household_facts import fen
from desktop.store.policy_models import BenefitRun
from desktop.store.store import Store

HEADERS = ("编号", "姓名", "身份证号", "类别", "原金额", "新金额", "变化", "原因")
MONEY_FORMAT = "#,##0.00"
_WIDTHS = (24, 12, 22, 26, 12, 12, 12, 44)


@dataclass(frozen=True)
class RunView:
    id: str
    month: date
    seq: int
    supplementary: bool
    finished_at: datetime
    actor_name: str
    cases: int
    changed: int
    counts: dict[str, int]
    total_old: Decimal
    total_new: Decimal


@dataclass(frozen=True)
class LedgerLine:
    """One case of a run as the ledger shows it (ID number already masked)."""

    number: str
    name: str
    id_masked: str
    programme: str
    kind: str
    old: Decimal | None
    new: Decimal
    gradual_exit_since: date | None
    note: str = ""

    @property
    def difference(self) -> Decimal:
        return self.new - (self.old or Decimal("0.00"))

    def reason(self, month: date) -> str:
        """The Chinese reason the ledger prints for this line."""
        if self.note:  # an approved amount deviation kept, or lapsed for review
            return self.note
        if self.kind == "gradual_exit":
            since = self.gradual_exit_since or month
            return f"成员就业增收，渐退期自{since:%Y年%m月}起，保持原金额"
        if self.old is None:
            return f"首次按{month:%Y年%m月}政策核定"
        if self.kind == "stop":
            return f"按{month:%Y年%m月}政策核算，不再符合{PROGRAMMES[self.programme]}条件，停发"
        if self.kind in ("increase", "decrease"):
            return f"按{month:%Y年%m月}政策及家庭收入重新核算，{CHANGE_KINDS[self.kind]}"
        return "无变化"


def _run_view(r: BenefitRun) -> RunView:
    return RunView(
        r.id,
        r.month,
        r.seq,
        r.supplementary,
        r.finished_at,
        r.actor_name,
        r.cases,
        r.changed,
        dict(r.counts),
        r.total_old,
        r.total_new,
    )


def list_runs(store: Store, month: date | None = None) -> list[RunView]:
    """Benefit runs, newest first (optionally of one benefit month)."""
    with store.sessions.read() as s:
        query = select(BenefitRun).order_by(BenefitRun.month.desc(), BenefitRun.seq.desc())
        if month is not None:
            query = query.where(BenefitRun.month == month.replace(day=1))
        return [_run_view(r) for r in s.scalars(query)]


def get_run(store: Store, run_id: str) -> RunView:
    with store.sessions.read() as s:
        run = s.get(BenefitRun, run_id)
        if run is None:
            raise NotFound("该发放核算记录不存在")
        return _run_view(run)


def run_lines(store: Store, run_id: str) -> list[LedgerLine]:
    """Every case recorded in a run, by case number."""
    get_run(store, run_id)
    with store.sessions.read() as s:
        rows = s.execute(
            text(
                "SELECT a.number, p.name, p.id_number, c.programme, c.kind, c.old_amount, "
                "c.new_amount, c.gradual_exit_since, c.note FROM benefit_changes c "
                "JOIN applications a ON a.id = c.application_id "
                "JOIN persons p ON p.id = a.applicant_id WHERE c.run_id = :rid ORDER BY a.number"
            ),
            {"rid": run_id},
        ).all()
    return [
        LedgerLine(
            r[0],
            r[1],
            mask_id(r[2]),
            r[3],
            r[4],
            None if r[5] is None else fen(r[5]),
            fen(r[6]),
            date.fromisoformat(r[7]) if r[7] else None,
            r[8] or "",
        )
        for r in rows
    ]


def _money_cell(ws, value: Decimal | None) -> WriteOnlyCell | None:  # type: ignore[no-untyped-def]
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = MONEY_FORMAT
    return cell


def export_run_xlsx(store: Store, run_id: str, path: Path | str) -> Path:
    """Write the 发放台账 of a run to ``path`` (.xlsx): one row per case and a total row."""
    run = get_run(store, run_id)
    lines = run_lines(store, run_id)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("发放台账")
    for index, width in enumerate(_WIDTHS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "A4"
    kind = f"第{run.seq}次补充核算" if run.supplementary else "月度核算"
    title = WriteOnlyCell(ws, value=f"{run.month:%Y年%m月} 救助金发放台账（{kind}）")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    ws.append(
        [
            f"核算人：{run.actor_name}　核算时间：{run.finished_at:%Y-%m-%d %H:%M}　共 {len(lines)} 户"
        ]
    )
    header = []
    for name in HEADERS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    for line in lines:
        ws.append(
            [
                line.number,
                line.name,
                line.id_masked,
                PROGRAMMES.get(line.programme, line.programme),
                _money_cell(ws, line.old),
                _money_cell(ws, line.new),
                _money_cell(ws, line.difference),
                line.reason(run.month),
            ]
        )
    old_total = sum((x.old or Decimal("0.00") for x in lines), Decimal("0.00"))
    new_total = sum((x.new for x in lines), Decimal("0.00"))
    ws.append(
        [
            "合计",
            f"{len(lines)} 户",
            None,
            None,
            _money_cell(ws, old_total),
            _money_cell(ws, new_total),
            _money_cell(ws, new_total - old_total),
            None,
        ]
    )
    target = Path(path)
    try:
        wb.save(target)
    except OSError as exc:
        raise ReportError(f"发放台账无法保存到 {target}：{exc.strerror}") from None
    return target
