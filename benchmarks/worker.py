"""The in-process measurements, each run by the orchestrator in a process of its own, so its peak RSS is its own.

Run as: python -m benchmarks.worker import|read|minutes ARGS…; prints one JSON object.
"""
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _seconds(work: Callable[[], object]) -> float:
    """Time one call."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _result(seconds: list[float]) -> dict:
    """The median of the runs (the orchestrator adds the process's peak RSS)."""
    return {"seconds": round(statistics.median(seconds), 4)}


def import_workbook(path: str, runs: int) -> dict:
    """Import the workbook into a new empty database per run (the migration is not timed)."""
    from core import clock, db
    from core.services.annual_report_import import import_annual_report
    from core.services.auth import SYSTEM_ACTOR
    data, seconds = Path(path).read_bytes(), []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs + 1):  # the first run loads the modules and is not counted
            url = f"sqlite:///{folder}/import-{run}.db"
            db.upgrade(url)
            engine = db.make_engine(url)

            def load(engine=engine) -> None:
                with db.session_scope(engine) as session:
                    import_annual_report(session, actor=SYSTEM_ACTOR, data=data, filename=Path(path).name,
                                         now=clock.now())
            took = _seconds(load)
            seconds += [took] if run else []
            engine.dispose()
    return _result(seconds)


def read_workbook(path: str, runs: int) -> dict:
    """The floor of an import: only read every cell with openpyxl in read-only mode."""
    from openpyxl import load_workbook

    def read() -> None:
        workbook = load_workbook(path, read_only=True, data_only=True)
        for sheet in workbook.worksheets:
            for _ in sheet.iter_rows(values_only=True):
                pass
        workbook.close()
    read()
    return _result([_seconds(read) for _ in range(runs)])


def minutes(url: str, review_id: str, runs: int) -> dict:
    """Print the draft minutes of a review (the first run loads fonts and the chart renderer, not counted)."""
    from sqlmodel import Session

    from core import db
    from core.services.auth import SYSTEM_ACTOR
    from core.services.minutes_document import review_minutes_pdf
    engine = db.make_engine(url)
    sizes = []

    def make() -> None:
        with Session(engine) as session:
            sizes.append(len(review_minutes_pdf(session, actor=SYSTEM_ACTOR, review_id=int(review_id))))
    make()
    return {**_result([_seconds(make) for _ in range(runs)]), "pdf_kb": round(sizes[-1] / 1024)}


WORKERS = {"import": import_workbook, "read": read_workbook, "minutes": minutes}

if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    print(json.dumps(WORKERS[kind](*args[:-1], int(args[-1]))))
