"""Checks that need more than one cell: known clinic codes, unique IDs, percent units."""
from datetime import date

from core import limits
from core.annual_report import linked, schema
from core.annual_report.protection import check_protection
from core.annual_report.reader import ParsedWorkbook, Problem
from core.formatting import number_text


def _clinic_codes(parsed: ParsedWorkbook, known: set[str]) -> set[str]:
    """Return the codes a row may use: the portal's clinics and the workbook's own Kliniker sheet."""
    return {c.upper() for c in known} | {r["code"].upper() for r in parsed.rows.get("Kliniker", []) if r.get("code")}


def _listed(codes: set[str], most: int = 30) -> str:
    """List the known codes for a message, the first ones when there are many."""
    names = sorted(codes)
    return ", ".join(names[:most]) + (f" och {len(names) - most} till" if len(names) > most else "") or "inga"


def _check_sheet(sheet: schema.Sheet, parsed: ParsedWorkbook, codes: set[str]) -> None:
    """Refuse unknown clinic codes and IDs that repeat within a clinic."""
    seen: dict[tuple, int] = {}
    for row in parsed.rows[sheet.name]:
        if "clinic_code" in row and row["clinic_code"]:
            row["clinic_code"] = row["clinic_code"].upper()
            if row["clinic_code"] not in codes:
                parsed.errors.append(Problem(sheet.name, row["row"], "Klinikkod", f"\"{row['clinic_code']}\" är "
                                             f"ingen känd klinik (kända: {_listed(codes)})."))
        if sheet.id_field and row.get(sheet.id_field):
            key = (row.get("clinic_code"), row[sheet.id_field].casefold())
            if key in seen:
                header = next(c.header for c in sheet.columns if c.field == sheet.id_field)
                owner = f"klinik {key[0]}" if key[0] else "hela organisationen"
                parsed.errors.append(Problem(sheet.name, row["row"], header,
                                             f"\"{row[sheet.id_field]}\" finns redan för {owner} (rad {seen[key]})."))
            else:
                seen[key] = row["row"]


def _percent_units(parsed: ParsedWorkbook) -> None:
    """Give a value written as a percentage the unit % when the row names none."""
    for row in parsed.rows["Indikatorer"]:
        if "value" in row.pop("percent_columns", set()) and not row.get("unit"):
            row["unit"] = "%"


def capped(problems: list, more_text: str = "fel till. Rätta de första och läs in arbetsboken igen för att se "
                                            "resten.") -> list[str]:
    """Return the first problems as text, then how many more there are (a list must stay readable)."""
    shown = [str(p) for p in problems[:schema.MAX_PROBLEMS]]
    more = len(problems) - len(shown)
    return shown + ([f"… och {number_text(more)} {more_text}"] if more else [])


def _counts_and_doses(parsed: ParsedWorkbook) -> None:
    """Refuse head counts that are no whole number in range, more trained than employed, and impossible doses."""
    for sheet, fields in ((schema.UTBILDNING, ("staff_count", "trained_count")),
                          (schema.PERSONDOSIMETRI, ("category_a_count",))):
        headers = {c.field: c.header for c in sheet.columns}
        for row in parsed.rows.get(sheet.name, []):
            for field in fields:
                value = row.get(field)
                if value is not None and (problem := limits.count_problem(value)):
                    parsed.errors.append(Problem(sheet.name, row["row"], headers[field], problem))
    for row in parsed.rows.get(schema.UTBILDNING.name, []):
        staff, trained = row.get("staff_count"), row.get("trained_count")
        if staff is not None and trained is not None and trained > staff:
            parsed.errors.append(Problem(schema.UTBILDNING.name, row["row"], schema.UTBILDNING.columns[3].header,
                                         f"{limits.figure_text(trained)} är fler än antalet anställda "
                                         f"({limits.figure_text(staff)})."))
    dose_headers = {c.field: c.header for c in schema.PERSONDOSIMETRI.columns}
    for row in parsed.rows.get(schema.PERSONDOSIMETRI.name, []):
        for field in ("max_hp10", "max_hp3", "max_extremity"):
            if row.get(field) is not None and (problem := limits.dose_problem(field, row[field])):
                parsed.errors.append(Problem(schema.PERSONDOSIMETRI.name, row["row"], dose_headers[field], problem))


def _dates_passed(parsed: ParsedWorkbook, today: date) -> None:
    """Refuse a date of something done (the bokslut completed, a level determined) that has not come yet."""
    completed = parsed.header.get("completed_on")
    if completed and (problem := limits.day_problem(completed, today, happened=True)):
        parsed.errors.append(Problem(schema.BOKSLUT, parsed.header_rows.get("completed_on"), "Färdigställd", problem))
    header = next(c.header for c in schema.DRL.columns if c.field == "determined_on")
    for row in parsed.rows.get(schema.DRL.name, []):
        day = row.get("determined_on")
        if day and (problem := limits.day_problem(day, today, happened=True)):
            parsed.errors.append(Problem(schema.DRL.name, row["row"], header, problem))


def check_workbook(parsed: ParsedWorkbook, known_codes: set[str], *, today: date,
                   investigation: dict[str, dict[str, float | None]] | None = None) -> ParsedWorkbook:
    """Add the cross-row problems to a read workbook, check figures, dates, doses and DRL (clinic code → its
    investigation levels), and return it."""
    for row in parsed.rows.get("Kliniker", []):
        if row.get("code"):
            row["code"] = row["code"].upper()
    codes = _clinic_codes(parsed, known_codes)
    for sheet in schema.TABLE_SHEETS:
        if sheet.name in parsed.rows:
            _check_sheet(sheet, parsed, codes)
    if "Indikatorer" in parsed.rows:
        _percent_units(parsed)
    _counts_and_doses(parsed)
    _dates_passed(parsed, today)
    check_protection(parsed, investigation or {})
    if not parsed.errors:  # figures that are refused cannot be compared
        linked.warn_contradictions(parsed)
    order = [schema.BOKSLUT] + [s.name for s in schema.TABLE_SHEETS]
    parsed.errors.sort(key=lambda p: (order.index(p.sheet) if p.sheet in order else -1, p.row or 0))
    return parsed
