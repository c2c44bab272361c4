"""The action plan as a table: XLSX for people, CSV (UTF-8 with BOM, `;`) for Swedish Excel (docs/spec/cli.md)."""
import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import func
from sqlmodel import Session, col, select

from core import glossary
from core.enums import ActionStatus, Priority
from core.files import append_text_safe, csv_cell
from core.glossary import FIELDS, LABELS, MODELS, OVERDUE
from core.models import FollowUp, stored_id
from core.permissions import Actor
from core.services._queries import clinic_codes
from core.services.actions import ActionFilter, ActionRow, action_page

COLUMNS = [FIELDS["clinic_name"], MODELS["Review"], LABELS["number"], FIELDS["title"], FIELDS["description"],
           MODELS["Finding"], FIELDS["owner_name"], FIELDS["due_date"], FIELDS["priority"], FIELDS["status"], OVERDUE,
           LABELS["last_followed_up"], FIELDS["status_comment"]]
WIDTHS = [8, 11, 5, 45, 45, 12, 22, 13, 10, 12, 10, 15, 40]
DATE_COLUMNS = {FIELDS["due_date"], LABELS["last_followed_up"]}


def _last_follow_ups(session: Session, action_ids: list[int]) -> dict[int, date]:
    """Return action id → the date of its latest recorded follow-up (one grouped query per chunk)."""
    latest: dict[int, date] = {}
    for start in range(0, len(action_ids), 5000):
        chunk = action_ids[start:start + 5000]
        query = (select(FollowUp.action_id, func.max(FollowUp.recorded_at)).where(
            col(FollowUp.action_id).in_(chunk), FollowUp.recorded_at != None)  # noqa: E711
            .group_by(col(FollowUp.action_id)))
        latest.update({action_id: moment.date() for action_id, moment in session.exec(query) if moment})
    return latest


def action_rows(session: Session, *, actor: Actor, today: date, rows: list[ActionRow] | None = None,
                chosen: ActionFilter | None = None) -> list[list]:
    """Return the plan's rows (dates as dates) in the spec's column order: the given rows, or the filter's."""
    if rows is None:
        rows = action_page(session, actor=actor, today=today, chosen=chosen or ActionFilter())
    codes = clinic_codes(session)
    followed = _last_follow_ups(session, [stored_id(r.action) for r in rows])
    return [[codes.get(r.action.clinic_id, ""), r.review_year, r.action.number, r.action.title,
             r.action.description or "", r.finding_code or "", r.action.owner_name, r.action.due_date,
             glossary.term(r.action.priority, Priority), glossary.term(r.action.status, ActionStatus),
             LABELS["yes"] if r.overdue else LABELS["no"], followed.get(stored_id(r.action)),
             r.action.status_comment or ""]
            for r in rows]


def to_csv(rows: list[list]) -> bytes:
    """Return the rows as CSV in UTF-8 with a BOM and `;`, dates as ÅÅÅÅ-MM-DD, formula-like text with a leading '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([[v.isoformat() if isinstance(v, date) else ("" if v is None else csv_cell(v)) for v in row]
                      for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list]) -> bytes:
    """Return the rows as a workbook: bold header, column widths, filters, real dates, text never a formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Åtgärdsplan"
    sheet.append(COLUMNS)
    for row in rows:
        append_text_safe(sheet, row)
    for index, (name, width) in enumerate(zip(COLUMNS, WIDTHS), start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet[f"{letter}1"].fill = PatternFill("solid", fgColor="DCE6F1")
        if name in DATE_COLUMNS:
            for cell in sheet[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(rows) + 1, 2)}"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
