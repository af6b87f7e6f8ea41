"""Store benchmarks: search-as-you-type and the case list at city scale, against bare SQL
on the same encrypted file, plus start-up to the login window against a bare Qt window."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import demo_store, row, rss_mib, timed
from desktop.services.family.case_list import open_case_list
from desktop.services.family.search import CaseFilter, count_cases, fetch_cases, search_persons

ROOT = Path(__file__).resolve().parents[1]


def _queries(store, n: int) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    with store.engine.connect() as c:
        rows = c.exec_driver_sql(
            "SELECT name, name_initials, id_number FROM persons ORDER BY rowid LIMIT 5000"
        ).all()
    rng = random.Random(3)
    picks = [rows[rng.randrange(len(rows))] for _ in range(n)]
    return {
        "name": [p[0][:2] for p in picks],
        "pinyin initials": [p[1][:3] for p in picks],
        "ID digits": [p[2][-6:] for p in picks],
    }


def _search_rows(store, actor, smoke: bool) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    out = []
    queries = _queries(store, 5 if smoke else 40)
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()

        def bare() -> None:
            for q in queries["name"]:
                cur.execute(
                    "SELECT id, name FROM persons WHERE name >= ? AND name < ? LIMIT 50",
                    (q, q + "\U0010ffff"),
                ).fetchall()

        base = timed(bare, 3)[0] / len(queries["name"])
    finally:
        raw.close()
    for kind, qs in queries.items():
        per_query: list[float] = []
        for q in qs:
            start = time.perf_counter()
            search_persons(store, actor, q)
            per_query.append(time.perf_counter() - start)
        per_query.sort()
        med = per_query[len(per_query) // 2]
        out.append(
            row(
                f"search first 50 by {kind}",
                (med, per_query[0], per_query[-1]),
                "bare indexed prefix SELECT of 50 rows",
                base,
                "<= 5 ms median",
                queries=len(qs),
            )
        )
    return out


def _case_list_rows(store, actor, smoke: bool) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    def open_list() -> None:
        count_cases(store, actor, CaseFilter())
        fetch_cases(store, actor, CaseFilter(), 0, 200)

    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        base = timed(
            lambda: cur.execute(
                "SELECT id, number FROM applications ORDER BY applied_on DESC LIMIT 200"
            ).fetchall(),
            5,
        )[0]
    finally:
        raw.close()
    measured = timed(open_list, 3 if smoke else 7)
    deep = timed(
        lambda: fetch_cases(
            store, actor, CaseFilter(), count_cases(store, actor, CaseFilter()) - 200, 200
        ),
        3,
    )
    cases = open_case_list(store, actor)
    total = cases.count(CaseFilter()) or 0
    fast_deep = timed(lambda: cases.page(CaseFilter(), total - 50, 50), 3)
    fast_middle = timed(lambda: cases.page(CaseFilter(), total // 2 - 50, 50), 3)
    cases.close()
    rows = [
        row(
            "case list opens (count + first page)",
            measured,
            "bare SELECT first 200 applications",
            base,
            "<= 200 ms",
        ),
        row(
            "case list scrolls to the last page",
            deep,
            "bare SELECT first 200 applications",
            base,
            "smooth scrolling",
        ),
        row(
            "case list scrolls to the last page (the screen's CaseList, count kept)",
            fast_deep,
            "bare SELECT first 200 applications",
            base,
            "smooth scrolling",
            middle_page_s=round(fast_middle[0], 2),
        ),
    ]
    rows.extend(_qt_model_row(store, actor, smoke))
    return rows


KEYSTROKES = ("z", "zh", "zha", "wang", "1201", "120101", "王")


def _median(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    return ordered[len(ordered) // 2], ordered[0], ordered[-1]


def _qt_model_row(store, actor, smoke: bool = False) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The real case list panel: shown, then keystrokes (each after the debounce) until the
    list is repainted, in wall time and in CPU time of this process."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    import ui  # noqa: F401  (applies the Qt compatibility fix first)
    from ui.cases.list_panel import CaseListPanel

    app = QApplication.instance() or QApplication([])
    before = rss_mib()
    start = time.perf_counter()
    panel = CaseListPanel(store, actor)
    panel.resize(1300, 800)
    panel.show()
    app.processEvents()
    elapsed = time.perf_counter() - start
    while panel.model.counting:  # the exact count comes from its thread
        app.processEvents()
        time.sleep(0.002)
    counted = time.perf_counter() - start
    growth = rss_mib() - before
    rows_count = panel.model.rowCount()

    def key(text: str) -> tuple[float, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        panel.search.setText(text)
        panel.apply_filter()  # what the debounce timer fires; then Qt repaints the view
        panel.table.viewport().repaint()
        app.processEvents()
        return time.perf_counter() - wall, time.process_time() - cpu

    rounds = 1 if smoke else 3
    cold: list[tuple[float, float]] = []
    warm: list[tuple[float, float]] = []
    for _ in range(rounds):
        for text in KEYSTROKES:
            panel.cases.forget()  # nothing kept: as the first time this text is typed
            cold.append(key(text))
    for _ in range(rounds):
        for text in KEYSTROKES:
            warm.append(key(text))
    key("")  # the office's count again (the rounds above dropped what was kept) …
    while panel.model.counting:  # … from its thread
        app.processEvents()
        time.sleep(0.002)
    cleared: list[tuple[float, float]] = []
    for _ in range(rounds):
        key("wang")
        cleared.append(key(""))  # the office's count is kept from the panel's opening
    after_write: list[float] = []
    after_write_count: list[float] = []
    for _ in range(rounds):
        key("wang")
        panel.cases.forget()  # as after any write: the count of the office is made again
        cold_clear = key("")
        wait = time.perf_counter()
        while panel.model.counting:
            app.processEvents()
            time.sleep(0.002)
        after_write.append(cold_clear[0])
        after_write_count.append(time.perf_counter() - wait + cold_clear[0])
    typed_growth = rss_mib() - before  # the list's page cache filled by all the searches
    panel.close()
    panel.deleteLater()
    app.processEvents()

    def keystroke_row(name: str, samples: list[tuple[float, float]]) -> dict[str, Any]:
        return row(
            name,
            _median([w for w, _c in samples]),
            "-",
            float("nan"),
            "<= 50 ms",
            keystrokes=len(samples),
            cpu_ms=round(_median([c for _w, c in samples])[0] * 1000, 1),
        )

    return [
        row(
            "case list panel shown (Qt, lazy model, first page; count on its thread)",
            (elapsed, elapsed, elapsed),
            "-",
            float("nan"),
            "<= 200 ms; memory growth <= 50 MB",
            cases=rows_count,
            exact_count_s=round(counted, 2),
            memory_growth_mib=growth,
            memory_growth_after_typing_mib=round(typed_growth, 1),
        ),
        keystroke_row("keystroke to repainted case list, nothing kept (after debounce)", cold),
        keystroke_row("keystroke to repainted case list, text typed before", warm),
        keystroke_row("clearing the search box (the office's count kept)", cleared),
        row(
            "clearing the search box after a write (count made again off the GUI thread)",
            _median(after_write),
            "-",
            float("nan"),
            "<= 50 ms",
            exact_count_s=round(_median(after_write_count)[0], 2),
        ),
    ]


def _startup_rows(data_dir: Path) -> list[dict[str, Any]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    bare_code = (
        "import time; t=time.perf_counter();"
        "from PySide6.QtWidgets import QApplication, QWidget; a=QApplication([]); w=QWidget(); w.show(); a.processEvents();"
        "print(time.perf_counter()-t)"
    )
    login_code = (
        "import time, sys; t=time.perf_counter(); sys.path.insert(0, '.');"
        "import ui; from PySide6.QtWidgets import QApplication; from ui.app import _application; from ui.login import LoginDialog;"
        "from pathlib import Path; a=_application(); d=LoginDialog(Path(sys.argv[1])); d.show(); a.processEvents();"
        "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1];"
        "print(time.perf_counter()-t, int(hwm)/1024)"
    )

    def run(code: str, *args: str) -> tuple[float, list[str]]:
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return time.perf_counter() - start, out.stdout.split()

    bare = sorted(run(bare_code)[0] for _ in range(3))
    login = [run(login_code, str(data_dir)) for _ in range(3)]
    times = sorted(t for t, _ in login)
    peak = max(float(o[1]) for _, o in login)
    return [
        row(
            "process start to login window shown",
            (times[1], times[0], times[2]),
            "bare PySide6 window, process start to shown",
            bare[1],
            "<= 3x bare; <= 150 MiB",
            peak_rss_mib=peak,
        )
    ]


def run(smoke: bool) -> list[dict[str, Any]]:
    """Search, case list and start-up over the demo store (``JIUZHU_BENCH_STORE``: reused)."""
    households = 2000 if smoke else 141_600
    with demo_store(households) as (store, actor, seed_s):
        with store.engine.connect() as c:
            persons = c.exec_driver_sql("SELECT count(*) FROM persons").scalar()
        print(
            f"   {households:,} households / {persons:,} persons (seeded in {seed_s:.1f} s)",
            flush=True,
        )
        rows = _search_rows(store, actor, smoke) + _case_list_rows(store, actor, smoke)
        store.close()
        rows += _startup_rows(store.data_dir)
    return rows


if __name__ == "__main__":
    for r in run("--smoke" in sys.argv):
        print(r)
