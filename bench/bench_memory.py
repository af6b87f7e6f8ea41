"""Memory of the desk process over two long jobs on the city-scale demo store: a 100-case
archive batch printed as one job (the case list's 打印所选案件档案), and a full day of intake
(1,000 new families through the window's service, members, incomes, documents ticked).

Each job reports the peak RSS growth over the process as it was just before the job (the peak
reset through /proc/self/clear_refs, as the benefit-run bench does) and what is left after
``gc.collect()`` at the end against the start: growth that does not come back. The intake is
also timed per application against a bare insert of the same rows in the same process."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import random
import statistics
import subprocess
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.common import demo_store, peak_reset, row, status_mib
from desktop.domain.ids import check_char
from desktop.services.base import Actor
from desktop.store.store import Store

CITY_HOUSEHOLDS = 141_600
SMOKE_HOUSEHOLDS = 2_000
ARCHIVE_CASES = 100
#: a CUPS queue to print the archive batches to instead of a PDF file (e.g. jiuzhu-test)
QUEUE_ENV = "BENCH_PRINT_QUEUE"
INTAKE_DAY = 1_000
# No target is set for these two jobs beyond "no growth that does not come back"; the bound
# judged here: what stays after the job and a gc is at most this much.
LEFT_BOUND_MIB = 50
SCAN_SIZE = (1240, 1754)  # an A4 page scanned at 150 dpi


def _trim() -> None:
    """Give freed heap back to the system (glibc), so RSS shows what is still in use."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _settled_mib() -> tuple[float, float]:
    """RSS after a full gc, and after the allocator gave its free memory back."""
    gc.collect()
    after_gc = status_mib("VmRSS")
    _trim()
    return after_gc, status_mib("VmRSS")


class _Memory:
    """Start, peak and settled RSS of one job, with the number of live Python objects."""

    def __init__(self) -> None:
        gc.collect()
        _trim()
        self.objects_before = len(gc.get_objects())
        self.start = peak_reset()

    def done(self) -> dict[str, float]:
        peak = status_mib("VmHWM")
        after_gc, trimmed = _settled_mib()
        return {
            "start_rss_mib": round(self.start, 1),
            "peak_growth_mib": round(peak - self.start, 1),
            "left_after_gc_mib": round(after_gc - self.start, 1),
            "left_after_trim_mib": round(trimmed - self.start, 1),
            "objects_left": len(gc.get_objects()) - self.objects_before,
            "end_rss_mib": round(trimmed, 1),
        }


# -- archive batch ------------------------------------------------------------------------------


def _scan(k: int) -> bytes:
    """A scanned A4 page as a desk's scanner gives it: 150 dpi, JPEG, paper grain (a few
    hundred KB, as real 户口簿 and 证明 scans are)."""
    import io

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(k)
    img = Image.effect_noise(SCAN_SIZE, 40).convert("RGB").filter(ImageFilter.GaussianBlur(0.6))
    img = Image.blend(Image.new("RGB", SCAN_SIZE, "white"), img, 0.25)
    draw = ImageDraw.Draw(img)
    for line in range(40):
        y = 120 + line * 38
        draw.line((100, y, 100 + rng.randint(400, 1000), y), fill=(60, 60, 70), width=3)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def _archive_cases(store: Store, actor: Actor, n: int) -> list[str]:
    """``n`` archived cases of the actor's office whose dossier can be made, with two scanned
    documents each (as the window files them), so every dossier has its scans."""
    from desktop.errors import DeskError
    from desktop.services.family.documents import attach_document
    from desktop.store.models import Application
    from printing.case_files import archive_case_for

    with store.sessions.read() as s:
        rows = s.execute(
            select(Application.id, Application.household_id)
            .where(
                Application.archived_on.is_not(None),
                Application.deleted.is_(False),
                Application.residence_office_id == actor.office_id,
            )
            .order_by(Application.number)
            .limit(3 * n)
        ).all()
    chosen = []
    for app_id, household_id in rows:
        try:
            record = archive_case_for(store, actor, app_id)
        except DeskError:
            continue
        if record.approval is not None and record.case.amount <= 0:
            continue  # its approval letter cannot be printed with a zero amount (see notes)
        chosen.append((app_id, household_id))
        if len(chosen) == n:
            break
    scans = [_scan(k) for k in range(2)]  # stored once each (content-addressed)
    for app_id, household_id in chosen:
        for k, (kind, title) in enumerate(
            (("application_form", "社会救助申请书（扫描件）"), ("other", "社区证明（扫描件）"))
        ):
            attach_document(
                store, actor, household_id=household_id, kind=kind, data=scans[k],
                file_name=f"scan{k}.jpg", application_id=app_id, title=title,
            )  # fmt: skip
    return [c[0] for c in chosen]


def _queue_jobs(queue: str) -> int:
    """How many jobs the CUPS queue has had (``lpstat -W all``)."""
    listed = subprocess.run(
        ["lpstat", "-W", "all", "-o", queue], capture_output=True, text=True, check=False
    ).stdout
    return sum(1 for line in listed.splitlines() if line.startswith(f"{queue}-"))


class _FirstJob(threading.Thread):
    """Notes when the first new job of a batch reaches the print queue."""

    def __init__(self, queue: str, start: float) -> None:
        super().__init__(daemon=True)
        self.queue, self.start_at, self.before = queue, start, _queue_jobs(queue)
        self.at: float | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.1):
            if _queue_jobs(self.queue) > self.before:
                self.at = time.perf_counter() - self.start_at
                return


class _Desk:
    """The case list's ArchiveBatch on a widget that stays open across batches, as the panel
    does on the desk, printing to a PDF file, or with ``BENCH_PRINT_QUEUE`` to that CUPS
    queue (each dossier its own job; the time the first job reaches the queue is noted)."""

    def __init__(self, store: Store, actor: Actor, out: Path) -> None:
        from PySide6.QtPrintSupport import QPrinter
        from PySide6.QtWidgets import QApplication, QWidget

        import ui  # noqa: F401  (applies the Qt compatibility fix first)
        from ui.archive_batch import ArchiveBatch

        self.app = QApplication.instance() or QApplication([])
        self.queue = os.environ.get(QUEUE_ENV, "")

        def to_file(printer: QPrinter, _parent: QWidget | None) -> bool:
            if self.queue:
                printer.setPrinterName(self.queue)
                return True
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(out))
            return True

        self.widget = QWidget()
        self.batch = ArchiveBatch(self.widget, store, actor, print_dialog=to_file)
        self.printed: list[Any] = []
        self.made: list[tuple[int, float]] = []  # dossiers made, their MiB (the bytes not kept)
        self.batch.printed.connect(self.printed.append)
        self.batch.built.connect(self._made)

    def _made(self, result: Any) -> None:
        self.made.append((len(result.files), sum(len(f.pdf) for f in result.files) / 2**20))

    def run(self, ids: list[str]) -> dict[str, Any]:
        from ui import ops

        self.printed.clear()
        self.made.clear()
        mem = _Memory()
        start = time.perf_counter()
        first = _FirstJob(self.queue, start) if self.queue else None
        if first is not None:
            first.start()
        self.batch.start(ids)
        deadline = time.monotonic() + 3600
        while not self.printed and time.monotonic() < deadline:
            ops.wait_idle(60_000)
            self.app.processEvents()
        elapsed = time.perf_counter() - start
        if first is not None:
            first.stop.set()
            first.join()
        assert self.printed, "the batch did not print"
        [(made, mib)] = self.made
        assert made == len(ids), "not every dossier was made"
        pages, jobs = self.printed[0].pages, self.printed[0].jobs
        self.printed.clear()
        figures = mem.done()  # the panel (and its ArchiveBatch) still open, as on the desk
        queued = {"first_job_s": round(first.at, 2) if first.at else None} if first else {}
        return {
            "s": elapsed, "pages": pages, "jobs": jobs, "dossiers_mib": round(mib, 1),
            **queued, **figures,
        }  # fmt: skip

    def close(self) -> None:
        from PySide6.QtCore import QCoreApplication, QEvent

        self.widget.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _archive_rows(store: Store, actor: Actor, reps: int, n: int) -> list[dict[str, Any]]:
    ids = _archive_cases(store, actor, n)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        desk = _Desk(store, actor, Path(tmp) / "printed.pdf")
        # Warm: fonts registered, Qt's PDF and print modules loaded, statements compiled.
        desk.run(ids[:2])
        gc.collect()
        _trim()
        opened = status_mib("VmRSS")
        for k in range(reps):
            runs.append(desk.run(ids))
            runs[-1]["left_since_first_mib"] = round(runs[-1]["end_rss_mib"] - opened, 1)
            print(f"   archive batch {k + 1}: {runs[-1]}", flush=True)
        desk.close()
    times = sorted(r["s"] for r in runs)
    peaks = [r["peak_growth_mib"] for r in runs]
    queue = os.environ.get(QUEUE_ENV, "")
    where = f"to the print queue {queue}, one job each" if queue else "to a PDF file in one job"
    queued = {"first_job_s": [r["first_job_s"] for r in runs]} if queue else {}
    return [
        row(
            f"archive batch of {len(ids)} dossiers built and printed {where}, peak RSS growth",
            (statistics.median(times), times[0], times[-1]),
            "RSS of the process with the store open and the list shown, before the batches",
            float("nan"),
            f"no growth that does not come back (left after gc <= {LEFT_BOUND_MIB} MiB)",
            cases=len(ids),
            pages=runs[0]["pages"],
            jobs=runs[0]["jobs"],
            **queued,
            dossiers_mib=runs[0]["dossiers_mib"],
            opened_rss_mib=round(opened, 1),
            peak_growth_mib=statistics.median(peaks),
            peak_growth_min_max=(min(peaks), max(peaks)),
            left_after_gc_mib=[r["left_after_gc_mib"] for r in runs],
            left_after_trim_mib=[r["left_after_trim_mib"] for r in runs],
            left_since_first_mib=[r["left_since_first_mib"] for r in runs],
            objects_left=[r["objects_left"] for r in runs],
        )
    ]


# -- a day of intake ----------------------------------------------------------------------------


def _id_numbers(store: Store, rng: random.Random, born: list[date]) -> list[str]:
    """Valid ID numbers for these birth dates that nobody in the store has."""
    from desktop.demo_data import BIRTH_REGIONS
    from desktop.store.models import Person

    out: list[str | None] = [None] * len(born)
    seen: set[str] = set()
    while True:
        todo = {}
        for k, day in enumerate(born):
            if out[k] is None:
                first17 = f"{rng.choice(BIRTH_REGIONS)}{day:%Y%m%d}{rng.randint(0, 999):03d}"
                number = first17 + check_char(first17)
                if number not in seen:
                    seen.add(number)
                    todo[number] = k
        if not todo:
            return [n for n in out if n is not None]
        with store.sessions.read() as s:
            taken = set(s.scalars(select(Person.id_number).where(Person.id_number.in_(list(todo)))))
        for number, k in todo.items():
            if number not in taken:
                out[k] = number


def _intakes(store: Store, actor: Actor, n: int, seed: int) -> list[Any]:
    """``n`` families as a clerk types them at the window: 1–4 members, a few months of
    income, a deposit, a payee account, one application each (built before the timing)."""
    from desktop.demo_data import GIVEN_FEMALE, GIVEN_MALE, SURNAMES
    from desktop.services.cases.applications import ApplicationInput
    from desktop.services.family.finances import AssetInput
    from desktop.services.family.households import BankInput, HouseholdInput, PersonInput
    from desktop.services.family.intake import IntakeIncome, IntakeInput
    from desktop.services.family.search import communities

    rng = random.Random(seed)
    names = communities(store)
    sizes = [rng.choice((1, 1, 2, 2, 3, 3, 4)) for _ in range(n)]
    born: list[date] = []
    for size in sizes:
        parent = rng.randint(1950, 1985)
        born += [date(parent + (k and rng.randint(-3, 3)) + (k >= 2) * rng.randint(22, 30),
                      rng.randint(1, 12), rng.randint(1, 28)) for k in range(size)]  # fmt: skip
    ids = iter(_id_numbers(store, rng, born))
    today = date.today()
    months = [date(today.year - (today.month <= k), (today.month - k - 1) % 12 + 1, 1)
              for k in range(1, 4)]  # fmt: skip
    out = []
    for i, size in enumerate(sizes):
        surname = rng.choice(SURNAMES)
        relations = ("applicant", "spouse", "child", "child")[:size]
        members = tuple(
            PersonInput(
                surname + rng.choice(GIVEN_FEMALE if k % 2 else GIVEN_MALE),
                next(ids),
                rel,
                phone=f"139{rng.randint(0, 99_999_999):08d}" if k == 0 else "",
                employment="self_employed" if rel == "spouse" else "",
                student_level="school" if rel == "child" else "",
            )
            for k, rel in enumerate(relations)
        )
        earner = members[1].id_number if size > 1 else members[0].id_number
        incomes = tuple(
            IntakeIncome("wage", m, f"{rng.randint(300, 1200)}.00", earner, "零工") for m in months
        )
        out.append(
            IntakeInput(
                HouseholdInput(
                    actor.office_id,
                    actor.office_id,
                    f"天津市河西区友谊路街道测试路{i + 1}号{rng.randint(1, 9)}-{rng.randint(101, 602)}",
                    community=names[i % len(names)] if names else "",
                    phone=members[0].phone,
                    members=members,
                ),
                ApplicationInput(
                    "",
                    rng.choice(("dibao", "dibao", "bianyuan", "tekun")),
                    today,
                    reason="收入不稳定，生活困难",
                ),  # fmt: skip
                incomes=incomes,
                assets=(AssetInput("deposit", f"{rng.randint(0, 20_000)}.00"),),
                bank=BankInput("中国工商银行天津分行", members[0].name, _card(rng)),
            )
        )
    return out


def _card(rng: random.Random) -> str:
    """A 19-digit card number with its Luhn digit."""
    from desktop.domain.bank import luhn_ok

    stem = f"622202{rng.randint(0, 10**12 - 1):012d}"
    return next(stem + d for d in "0123456789" if luhn_ok(stem + d))


def _one_application(store: Store, actor: Actor, data: Any) -> None:
    """What the window does for one family: file the intake, then tick the documents the
    family brought (all but the last one named on the 一次性告知 list)."""
    from desktop.services.family.documents import set_document_status
    from desktop.services.family.intake import submit_intake

    result = submit_intake(store, actor, data)
    for doc in result.missing[:-1]:
        set_document_status(store, actor, doc.id, "received")


def _new_rows(
    store: Store, since: dict[str, int], until: dict[str, int]
) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of each mapped table written between two readings of ``_max_rowids``."""
    out = {}
    with store.engine.connect() as c:
        for table, last in since.items():
            rows = c.exec_driver_sql(
                f"SELECT * FROM {table} WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
                (last, until[table]),
            ).all()
            if rows:
                out[table] = [tuple(r) for r in rows]
    return out


def _rowid_tables(store: Store) -> list[str]:
    """The mapped tables in insert order, without the WITHOUT ROWID ones (caches, sync bases
    and trigger-kept counts: the triggers fill those for the bare insert as well)."""
    from desktop.store.models import Base

    with store.engine.connect() as c:
        plain = set(c.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND upper(sql) NOT LIKE '%WITHOUT ROWID%'"
        ).scalars())  # fmt: skip
    return [t.name for t in Base.metadata.sorted_tables if t.name in plain]


def _max_rowids(store: Store) -> dict[str, int]:
    with store.engine.connect() as c:
        return {
            name: int(
                c.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {name}").scalar() or 0
            )  # fmt: skip
            for name in _rowid_tables(store)
        }


def _bare_insert_same_rows(
    store: Store, day_start: dict[str, int], per_app: list[dict[str, list[tuple[Any, ...]]]]
) -> list[float]:
    """The day's rows deleted (not timed), then inserted again by plain executemany, one
    transaction per application (timed), with foreign keys and every trigger on as for the
    service."""
    order = _rowid_tables(store)
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA foreign_keys = OFF")
        for table in reversed(order):
            cur.execute(f"DELETE FROM {table} WHERE rowid > ?", (day_start[table],))
        raw.commit()
        cur.execute("PRAGMA foreign_keys = ON")
        times = []
        for written in per_app:
            start = time.perf_counter()
            for table in order:
                rows = written.get(table)
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    cur.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            raw.commit()
            times.append(time.perf_counter() - start)
        return times
    finally:
        raw.close()


def _intake_rows(store: Store, clerk: Actor, n: int) -> list[dict[str, Any]]:
    inputs = _intakes(store, clerk, n + 1, seed=20261202)
    _one_application(store, clerk, inputs[0])  # warm: first statements compiled, caches made
    day_start = _max_rowids(store)
    mem = _Memory()
    per_app_s: list[float] = []
    # Where each application's rows start, as the tables' last rowids (a few ints each): the
    # rows themselves are read back only after the memory figures, for the bare insert.
    bounds: list[dict[str, int]] = [day_start]
    samples: list[float] = []
    for k, data in enumerate(inputs[1:], start=1):
        start = time.perf_counter()
        _one_application(store, clerk, data)
        per_app_s.append(time.perf_counter() - start)
        bounds.append(_max_rowids(store))
        if k % 100 == 0:
            samples.append(round(status_mib("VmRSS") - mem.start, 1))
    figures = mem.done()
    per_app_rows = [_new_rows(store, a, b) for a, b in zip(bounds, bounds[1:], strict=False)]
    rows_written = sum(len(v) for w in per_app_rows for v in w.values())
    day_s = sum(per_app_s)
    bare = _bare_insert_same_rows(store, day_start, per_app_rows)
    per_app_s.sort()
    bare.sort()
    return [
        row(
            f"a day of intake: {len(per_app_s):,} new families through the window's service "
            "(members, incomes, documents ticked), per application",
            (statistics.median(per_app_s), per_app_s[0], per_app_s[-1]),
            "bare executemany of the same rows, one transaction per application",
            statistics.median(bare),
            f"no growth that does not come back (left after gc <= {LEFT_BOUND_MIB} MiB)",
            applications=len(per_app_s),
            day_s=round(day_s, 1),
            bare_day_s=round(sum(bare), 1),
            rows_per_application=round(rows_written / len(per_app_s), 1),
            rss_growth_every_100=samples,
            **figures,
        )
    ]


def run(smoke: bool, jobs: tuple[str, ...] = ("archive", "intake")) -> list[dict[str, Any]]:
    """The jobs on one copy of the demo store (``JIUZHU_BENCH_STORE``: seeded once, reused)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    households = SMOKE_HOUSEHOLDS if smoke else CITY_HOUSEHOLDS
    reps = 1 if smoke else 3
    out: list[dict[str, Any]] = []
    with demo_store(households, writes=True) as (store, admin, _seed_s):
        from desktop.demo_data import PASSWORDS
        from desktop.services.accounts.auth import login

        print(f"   store open: RSS {status_mib('VmRSS'):.0f} MiB", flush=True)
        if "intake" in jobs:
            clerk_store, clerk = login(store.data_dir, "clerk", PASSWORDS["clerk"][2])
            clerk_store.close()
            out += _intake_rows(store, clerk, 50 if smoke else INTAKE_DAY)
            print(f"   {out[-1]}", flush=True)
        if "archive" in jobs:
            out += _archive_rows(store, admin, reps, 5 if smoke else ARCHIVE_CASES)
    return out


if __name__ == "__main__":
    import sys

    chosen = tuple(a for a in sys.argv[1:] if a in ("archive", "intake")) or ("archive", "intake")
    for r in run("--smoke" in sys.argv, chosen):
        print(r)
