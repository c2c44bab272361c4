"""The workbook's radiation-protection figures checked against the law: doses and DRL.

DRL rows are matched to SSM's table in force at the end of the bokslut year, which gives the national level
(a workbook's own national figure is only compared, with a warning when it differs). Doses are checked against
the dose limits, the clinic's investigation levels and the category-A thresholds. Every dose or DRL above its
limit becomes a finding of the bokslut, so the meeting must decide on it like any other.
"""
from core import glossary, limits
from core.annual_report import schema
from core.annual_report.reader import ParsedWorkbook, Problem
from core.enums import FindingSource, Severity, StaffGroup
from core.formatting import measured_text
from core.regulation.dose_limits import DoseFlag, dose_flags
from core.regulation.drl_table import DrlTable, drl_exceeds, same_unit, table_for_year

DRL_SOURCE = "SSMFS 2018:5 6 kap. 1 §"
CODE_LENGTH = 50  # Finding.code


class _Row:
    """A workbook row read like a stored one (attribute access for the shared checks)."""

    def __init__(self, row: dict) -> None:
        self.__dict__.update(row)


def _header(sheet: schema.Sheet, field: str) -> str:
    """Return a column's Swedish header."""
    return next(c.header for c in sheet.columns if c.field == field)


def _resolve_drl(row: dict, table: DrlTable, parsed: ParsedWorkbook) -> None:
    """Name the row's examination and quantity as the table does, and take the national level from it."""
    sheet, where = schema.DRL, row["row"]
    given_national = row.get("national_drl")
    row["national_drl"], row["national_source"] = None, None
    candidates = table.candidates(row["examination"])
    if not candidates:
        parsed.warnings.append(Problem(sheet.name, where, _header(sheet, "examination"),
                                       f"\"{row['examination']}\" finns inte i SSM:s tabell över diagnostiska "
                                       f"referensnivåer ({table.source}); raden lagras utan nationell DRL. "
                                       "Skriv undersökningstypen som tabellen gör, t.ex. \"DT buk med kontrast\"."))
        return
    quantity = table.quantity_of(row.get("quantity"))
    if row.get("quantity") and quantity is None:
        parsed.errors.append(Problem(sheet.name, where, _header(sheet, "quantity"),
                                     f"\"{row['quantity']}\" är ingen dosstorhet i SSM:s tabell (kända: "
                                     f"{', '.join(table.quantities)})."))
        return
    matches = [c for c in candidates if quantity is None or c.quantity == quantity]
    if len(matches) != 1:
        known = " eller ".join(sorted({c.quantity for c in candidates}))
        wrong = f"{candidates[0].examination} har ingen nationell DRL för {quantity}; tabellen anger {known}." \
            if quantity else f"ange vilken dosstorhet nivån gäller för {candidates[0].examination} ({known})."
        parsed.errors.append(Problem(sheet.name, where, _header(sheet, "quantity"), wrong))
        return
    level = matches[0]
    unit = table.quantities[level.quantity].unit
    if row.get("unit") and not same_unit(row["unit"], unit):
        parsed.errors.append(Problem(sheet.name, where, _header(sheet, "unit"),
                                     f"\"{row['unit']}\" är inte tabellens enhet för {level.quantity} ({unit}); "
                                     "räkna om nivån till den enheten."))
        return
    row.update(examination=level.examination, quantity=level.quantity, unit=unit, national_drl=level.value,
               national_source=table.version)
    if given_national is not None and given_national != level.value:
        parsed.warnings.append(Problem(sheet.name, where, _header(sheet, "national_drl"),
                                       f"arbetsboken anger {measured_text(given_national)} {unit} för "
                                       f"{level.examination} ({level.quantity}), men {table.source} anger "
                                       f"{measured_text(level.value)} {unit}. Portalen använder tabellens värde."))


def _refuse_implausible_level(row: dict, field: str, parsed: ParsedWorkbook) -> None:
    """Refuse a level that is not above 0 or beyond any for its quantity (core.limits), and forget it."""
    level = row.get(field)
    problem = None if level is None else limits.drl_problem(row.get("quantity"), row.get("unit"), level)
    if problem:
        parsed.errors.append(Problem(schema.DRL.name, row["row"], _header(schema.DRL, field), problem))
        row[field] = None


def _check_drl(parsed: ParsedWorkbook, year: int) -> None:
    """Resolve every DRL row against the table and refuse one level given twice for the same equipment."""
    table, seen = table_for_year(year), dict[tuple, int]()
    for row in parsed.rows.get(schema.DRL.name, []):
        _refuse_implausible_level(row, "national_drl", parsed)  # before it is compared with the table
        _resolve_drl(row, table, parsed)
        _refuse_implausible_level(row, "local_level", parsed)
        key = (row.get("clinic_code"), *(str(row.get(f) or "").casefold() for f in schema.DRL.key_fields()))
        if key in seen:
            parsed.errors.append(Problem(schema.DRL.name, row["row"], _header(schema.DRL, "examination"),
                                         f"{row['examination']} ({row.get('quantity') or 'utan dosstorhet'}) för "
                                         f"utrustning {row.get('equipment') or '(ingen angiven)'} finns redan "
                                         f"(rad {seen[key]})."))
        seen.setdefault(key, row["row"])


def _finding(codes: set[tuple], clinic: str | None, code: str, **fields) -> dict:
    """A finding row made by the checks, with a code unique within its clinic."""
    code, n = code[:CODE_LENGTH].upper(), 2
    while (clinic, code.casefold()) in codes:
        code, n = f"{code[:CODE_LENGTH - 3]}-{n}", n + 1
    codes.add((clinic, code.casefold()))
    return {"row": None, "clinic_code": clinic, "code": code, "source": FindingSource.FIGURE_CHECK.value, **fields}


def _dose_finding(codes: set[tuple], row: dict, flag: DoseFlag) -> dict:
    """A flagged dose as a finding: a limit exceeded is serious, the rest needs looking into."""
    group = glossary.term(StaffGroup(row["staff_group"]))
    what = flag.field.removeprefix("max_").upper() if flag.field else "KAT-A"
    return _finding(codes, row.get("clinic_code"), f"DOS-{group}-{what}".replace(" ", "-"),
                    area="Personalstrålskydd", description=f"{group}: {flag.text}",
                    severity=(Severity.HIGH if flag.is_limit else Severity.MEDIUM).value,
                    reference=flag.source,
                    suggested_action="Utred dosen och besluta om åtgärd; se över indelningen i kategori A."
                    if flag.kind == "category_a" else "Utred orsaken till dosen och besluta om åtgärd.")


def _drl_finding(codes: set[tuple], row: dict) -> dict:
    """A local standard level above the national DRL as a finding (the cause must be investigated)."""
    unit = row.get("unit") or ""
    equipment = f" på {row['equipment']}" if row.get("equipment") else ""
    code = f"DRL-{row['examination']}-{row['quantity']}" + (f"-{row['equipment']}" if row.get("equipment") else "")
    return _finding(codes, row.get("clinic_code"), code.replace(" ", "-"), area="Optimering och dos",
                    description=f"{row['examination']}{equipment}: lokal standardnivå "
                                f"{measured_text(row['local_level'])} {unit} överskrider nationell DRL "
                                f"{measured_text(row['national_drl'])} {unit} ({row['quantity']}, "
                                f"{row['national_source']}).",
                    severity=Severity.MEDIUM.value, reference=DRL_SOURCE,
                    suggested_action="Utred orsaken; om strålskyddet inte är optimerat ska det åtgärdas.")


def check_protection(parsed: ParsedWorkbook, investigation: dict[str, dict[str, float | None]]) -> None:
    """Check DRL and doses; warn about every flag and add the flagged figures to Brister as findings."""
    year = parsed.header.get("year")
    if year is None or parsed.errors:
        return
    _check_drl(parsed, year)
    findings = parsed.rows.setdefault(schema.BRISTER.name, [])
    codes = {(r.get("clinic_code"), str(r.get("code") or "").casefold()) for r in findings}
    dose_sheet = schema.PERSONDOSIMETRI
    for row in parsed.rows.get(dose_sheet.name, []):
        for flag in dose_flags(_Row(row), investigation.get(row.get("clinic_code") or "")):
            column = _header(dose_sheet, flag.field or "category_a_count")
            parsed.warnings.append(Problem(dose_sheet.name, row["row"], column, flag.text))
            findings.append(_dose_finding(codes, row, flag))
    for row in parsed.rows.get(schema.DRL.name, []):
        if drl_exceeds(row.get("local_level"), row.get("national_drl")):
            findings.append(_drl_finding(codes, row))
