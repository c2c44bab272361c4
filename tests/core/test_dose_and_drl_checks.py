"""The bokslut's doses and DRL checked against the law: a dose above a limit or a DRL above SSM's table is
warned about at import, marked in the one table builder, and becomes a finding the meeting must decide on."""
import re
from datetime import date

import pytest
import yaml
from sqlmodel import select

from core.documents import figures
from core.enums import FindingSource, Severity
from core.errors import InvalidInput
from core.models import Clinic, DrlStatus, Finding, FindingDecision, Review
from core.regulation.dose_limits import LIMITS_FILE, dose_limits
from core.regulation.drl_table import table_for_year, tables
from core.resources import TEMPLATES
from core.services import annual_report_import as importer
from core.services import clinics, protection_figures
from core.services.auth import SYSTEM_ACTOR
from tests.annual_report_files import SAMPLE_2025, with_sheets
from tests.conftest import PROJECT_DIR
from tests.factories import NOW

DOSE_HEADER = ("Klinikkod", "Personalgrupp", "Antal i kategori A", "Högsta Hp(10) (mSv)",
               "Högsta Hp(3) ögonlins (mSv)", "Högsta extremitetsdos (mSv)")
DRL_HEADER = ("Klinikkod", "Undersökningstyp", "Dosstorhet", "Enhet", "Utrustning", "Lokal standardnivå",
              "Nationell DRL", "Senast bestämd")
FORFATTNINGAR = PROJECT_DIR / "docs" / "forfattningar"


def _load(session, sheets: dict, replace: bool = False):
    data = with_sheets(SAMPLE_2025, sheets, version="1.2")
    return importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=data, filename="b.xlsx", now=NOW,
                                         replace=replace)


def _checked_findings(session) -> dict[str, Finding]:
    rows = session.exec(select(Finding).where(Finding.source == FindingSource.FIGURE_CHECK.value)).all()
    return {f.code: f for f in rows}


def _plain(text: str) -> str:
    """A regulation text as a quote must match it: hyphens at line breaks removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"-\n\s*", "", text))


def test_a_dose_above_each_limit_is_flagged_everywhere_and_becomes_a_serious_finding(session, portal):
    plan = _load(session, {"Persondosimetri": [DOSE_HEADER, ("KARD", "Läkare", 0, 22, 25, 520)]})
    warnings = " | ".join(plan.warnings)
    assert "Högsta Hp(10) 22 mSv överskrider dosgränsen 20 mSv (strålskyddsförordningen (SFS 2018:506) 2 kap. 2 §)" \
        in warnings
    assert "Högsta Hp(3) ögonlins 25 mSv överskrider dosgränsen 20 mSv" in warnings
    assert "Högsta extremitetsdos 520 mSv överskrider dosgränsen 500 mSv" in warnings
    assert "Persondosimetri, rad 2, kolumn Antal i kategori A: Ingen i kategori A, men Hp(10) 22 mSv > 6 mSv" \
        in warnings
    found = _checked_findings(session)
    assert {code: f.severity for code, f in found.items()} == {
        "DOS-LÄKARE-HP10": Severity.HIGH, "DOS-LÄKARE-HP3": Severity.HIGH, "DOS-LÄKARE-EXTREMITY": Severity.HIGH,
        "DOS-LÄKARE-KAT-A": Severity.MEDIUM}
    assert found["DOS-LÄKARE-HP3"].reference == "strålskyddsförordningen (SFS 2018:506) 2 kap. 2 §"
    doses = protection_figures.dosimetry(session, actor=SYSTEM_ACTOR, year=2025, clinic_id=None)
    row = figures.doses(doses).body[0]
    assert row[-1].startswith("ÖVER DOSGRÄNS: Hp(10) > 20 mSv; ÖVER DOSGRÄNS: Hp(3) ögonlins > 20 mSv; ÖVER "
                              "DOSGRÄNS: extremitetsdos > 500 mSv; Kategori A 0 motsägs av doserna")


def test_doses_within_the_limits_say_so_and_make_no_finding(session, portal):
    plan = _load(session, {"Persondosimetri": [DOSE_HEADER, ("KARD", "Läkare", 4, 2.7, 11.5, 60)]})
    assert not [w for w in plan.warnings if w.startswith("Persondosimetri")]
    assert _checked_findings(session) == {}
    doses = protection_figures.dosimetry(session, actor=SYSTEM_ACTOR, year=2025, clinic_id=None)
    assert figures.doses(doses).body[0][-1] == figures.WITHIN_LIMITS


def test_a_clinics_own_investigation_level_flags_a_dose_below_the_limit(session, portal):
    kard = session.exec(select(Clinic).where(Clinic.code == "KARD")).one()
    data = {"name": kard.name, "investigation_hp3": 10}
    clinics.update_clinic(session, actor=SYSTEM_ACTOR, clinic_id=kard.id, data=data, expected_version=kard.version,
                          now=NOW)
    with pytest.raises(InvalidInput, match=r"Utredningsnivå Hp\(3\) ögonlins \(mSv\): .*under dosgränsen 20 mSv"):
        clinics.update_clinic(session, actor=SYSTEM_ACTOR, clinic_id=kard.id, expected_version=kard.version,
                              data={"name": kard.name, "investigation_hp3": 25}, now=NOW)
    plan = _load(session, {"Persondosimetri": [DOSE_HEADER, ("KARD", "Läkare", 4, 2.7, 11.5, 60)]})
    assert any("Högsta Hp(3) ögonlins 11,5 mSv överskrider klinikens utredningsnivå 10 mSv" in w
               for w in plan.warnings)
    assert {c: f.severity for c, f in _checked_findings(session).items()} == {"DOS-LÄKARE-HP3": Severity.MEDIUM}
    doses = protection_figures.dosimetry(session, actor=SYSTEM_ACTOR, year=2025, clinic_id=None)
    levels = protection_figures.investigation_by_clinic(session, actor=SYSTEM_ACTOR, rows=doses)
    assert figures.doses(doses, levels).body[0][-1] == "Över utredningsnivå: Hp(3) ögonlins > 10 mSv"


def test_the_national_drl_comes_from_ssms_table_and_an_exceedance_becomes_a_finding(session, portal):
    plan = _load(session, {"DRL": [DRL_HEADER,
                                   ("KARD", "Koronarangiografi", "KAP", "Gy·cm²", "Angiolabb 2", 38, 35,
                                    date(2024, 11, 5)),
                                   ("RTG", "DT buk", "DLP", "mGy·cm", "DT 1", 400, None, date(2024, 5, 2)),
                                   ("RTG", "DT buk", "CTDIvol", "mGy", "DT 1", 9.5, None, None)]})
    assert any("arbetsboken anger 35 Gy·cm² för Koronarangiografi (DAP), men SSMFS 2018:5 bilaga 1 (i lydelse "
               "enligt SSMFS 2023:3) anger 11 Gy·cm². Portalen använder tabellens värde." in w for w in plan.warnings)
    stored = {(d.examination, d.quantity): d for d in session.exec(select(DrlStatus))}
    angio = stored["Koronarangiografi", "DAP"]
    assert (angio.national_drl, angio.national_source, angio.equipment) == (11, "SSMFS 2023:3", "Angiolabb 2")
    assert stored["DT buk med kontrast", "DLP"].national_drl == 450
    found = _checked_findings(session)
    assert set(found) == {"DRL-KORONARANGIOGRAFI-DAP-ANGIOLABB-2", "DRL-DT-BUK-MED-KONTRAST-CTDIVOL-DT-1"}
    assert "lokal standardnivå 38 Gy·cm² överskrider nationell DRL 11 Gy·cm²" in \
        found["DRL-KORONARANGIOGRAFI-DAP-ANGIOLABB-2"].description
    rows = protection_figures.drl_status(session, actor=SYSTEM_ACTOR, year=2025, clinic_id=None)
    table = {r[0]: r for r in figures.drl(rows, date(2026, 3, 1)).body}
    assert table["Koronarangiografi (DAP)"][-1] == "ÖVER DRL"
    assert table["DT buk med kontrast (DLP)"][-1] == figures.WITHIN_DRL  # 400 against 450
    assert table["DT buk med kontrast (CTDIvol)"][-1] == "ÖVER DRL; Bestämning saknas"  # 9,5 against 8,8; no date


@pytest.mark.parametrize(("row", "message"), [
    (("RTG", "DT buk", None, None, "DT 1", 400, None, None), "ange vilken dosstorhet nivån gäller för DT buk med "
                                                             "kontrast (CTDIvol eller DLP)"),
    (("RTG", "DT buk", "DAP", None, "DT 1", 400, None, None), "DT buk med kontrast har ingen nationell DRL för DAP; "
                                                              "tabellen anger CTDIvol eller DLP."),
    (("RTG", "DT buk", "XYZ", None, "DT 1", 400, None, None), "\"XYZ\" är ingen dosstorhet i SSM:s tabell"),
    (("RTG", "DT buk", "DLP", "cGy·cm", "DT 1", 40, None, None), "\"cGy·cm\" är inte tabellens enhet för DLP"),
    (("RTG", "DT buk", "DLP", None, "DT 1", -4, None, None), "en standardnivå måste vara större än 0"),
])
def test_a_drl_row_that_cannot_be_compared_is_refused_naming_row_and_column(session, portal, row, message):
    with pytest.raises(InvalidInput) as refused:
        _load(session, {"DRL": [DRL_HEADER, row]})
    problems = " | ".join(refused.value.problems)
    assert "DRL, rad 2" in problems and message in problems
    assert session.exec(select(DrlStatus)).first() is None


def test_the_same_level_twice_for_one_equipment_is_refused_but_two_equipments_are_two_rows(session, portal):
    twice = ("RTG", "Koronarangiografi", "DAP", None, "Angio 1", 9, None, None)
    with pytest.raises(InvalidInput, match="DRL, rad 3.*finns redan \\(rad 2\\)"):
        _load(session, {"DRL": [DRL_HEADER, twice, twice]})
    _load(session, {"DRL": [DRL_HEADER, twice, (*twice[:4], "Angio 2", 12, None, None)]})
    assert [d.equipment for d in session.exec(select(DrlStatus).order_by(DrlStatus.equipment))] == ["Angio 1",
                                                                                                     "Angio 2"]
    assert set(_checked_findings(session)) == {"DRL-KORONARANGIOGRAFI-DAP-ANGIO-2"}


def test_an_unknown_examination_is_kept_without_a_national_drl_and_a_warning(session, portal):
    plan = _load(session, {"DRL": [DRL_HEADER, ("RTG", "Lungröntgen", "KAP", "Gy·cm²", None, 0.09, 0.1,
                                                date(2021, 4, 1))]})
    assert any("\"Lungröntgen\" finns inte i SSM:s tabell" in w for w in plan.warnings)
    assert session.exec(select(DrlStatus.national_drl)).one() is None


def test_every_drl_of_the_shipped_tables_is_found_in_bilaga_1():
    text = (FORFATTNINGAR / "SSMFS-2018-5.txt").read_text(encoding="utf-8")
    bilaga = text[text.index("Diagnostiska referensnivåer (SSMFS 2023:3)"):]
    for table in tables():
        assert table.version in text
        for group, level in table.levels():
            assert group.split(" (")[0].split()[0] in bilaga, group
            value = f"{level.value:g}".replace(".", ",")
            shown = (value if level.value not in (4, 1, 2) else f"{level.value:.1f}".replace(".", ","))
            assert re.search(rf"(?<![\d,]){re.escape(shown)}(?![\d,])", bilaga) or \
                re.search(rf"(?<![\d,]){re.escape(value)}(?![\d,])", bilaga), (level.examination, value)
    assert table_for_year(2025).in_force_from == date(2023, 11, 1)
    assert "i övrigt den 1 november 2023" in _plain(text)


def test_the_dose_limits_name_their_source_and_the_category_a_thresholds_are_quoted_from_ssmfs_2018_1():
    text = _plain((FORFATTNINGAR / "SSMFS-2018-1.txt").read_text(encoding="utf-8"))
    rules = dose_limits()
    assert "dosgränserna i 2 kap. 2 § strålskyddsförordningen" in text  # the figures are in the förordning
    assert {k: v.value for k, v in rules.limits.items()} == {"max_hp10": 20, "max_hp3": 20, "max_extremity": 500}
    section = text[text.index("16 § En arbetstagare ska tillhöra kategori A"):][:600]
    for field in ("max_hp10", "max_hp3", "max_extremity"):
        threshold = getattr(rules.category_a, field)
        assert threshold.quote in section and f"{threshold.value:g} millisievert" in threshold.quote
    raw = yaml.safe_load(LIMITS_FILE.read_text(encoding="utf-8"))
    assert raw["category_a"]["source"] == "SSMFS 2018:1 2 kap. 16 §"
    assert (TEMPLATES / "stralskydd").is_dir()


def _decided_at_a_review(session, finding: Finding) -> None:
    """A KARD review decided "ingen åtgärd" on the finding."""
    review = Review(clinic_id=finding.clinic_id, year=2026, annual_report_id=finding.annual_report_id, created_at=NOW)
    session.add(review)
    session.flush()
    session.add(FindingDecision(review_id=review.id, finding_id=finding.id, no_action_reason="Utreds redan.",
                                decided_at=NOW))
    session.commit()


def test_a_replace_may_not_drop_a_checked_finding_the_meeting_decided_on(session, portal):
    exceeding = ("KARD", "Koronarangiografi", "DAP", None, "Angiolabb 2", 38, None, date(2024, 11, 5))
    _load(session, {"DRL": [DRL_HEADER, exceeding]})
    _decided_at_a_review(session, _checked_findings(session)["DRL-KORONARANGIOGRAFI-DAP-ANGIOLABB-2"])
    with pytest.raises(InvalidInput, match="DRL-KORONARANGIOGRAFI-DAP-ANGIOLABB-2 \\(KARD\\)"):
        _load(session, {"DRL": [DRL_HEADER, (*exceeding[:5], 10, None, date(2026, 1, 5))]}, replace=True)
    _load(session, {"DRL": [DRL_HEADER, exceeding]}, replace=True)  # the same figures: the finding stays
    assert set(_checked_findings(session)) == {"DRL-KORONARANGIOGRAFI-DAP-ANGIOLABB-2"}
