"""The Strålskyddsbokslut page: each role sees its clinics' rows and the organisation-wide ones."""

from tests.ui.helpers import logged_in, open_page, open_tab, visible_text


def _page(username: str):
    at = open_page(logged_in(username), "pages/bokslut.py")
    at.selectbox(key="_widget_pick_report_year").select(2025).run()
    return at


def test_strateg_sees_the_whole_organisation_with_summary_and_trend(demo_env):
    at = _page("strateg")
    text = visible_text(at)
    assert "Strålsäkerhetsrådet har haft fyra möten" in text  # Sammanfattning
    assert len(at.dataframe) == 1  # only the open tab is drawn
    goals = at.dataframe[0].value
    indicators = open_tab(at, "annual_report_tab", "Indikatorer").dataframe[0].value
    assert list(goals["Mål-ID"]) == ["M1", "M2", "M3", "M4", "M5"]
    assert len(indicators) == 45 and set(indicators["Gäller"]) == {"RTG", "NM", "ONK", "KARD", "ORT"}
    kard = indicators[(indicators["Gäller"] == "KARD")
                      & (indicators["Indikator"] == "Högsta individuella dos Hp(10) (mSv)")]  # as the minutes name it
    row = kard.iloc[0].to_dict()
    assert {k: row[k] for k in ("Värde", "Mål", "Mot målet", "2024", "Förändring")} == {
        "Värde": "6,8", "Mål": "6", "Mot målet": "Ej uppfyllt", "2024": "7,9", "Förändring": "-1,1"}
    text = visible_text(open_tab(at, "annual_report_tab", "Brister"))
    assert "B-2025-07" in text and "B-2025-01" in text
    assert len(open_tab(at, "annual_report_tab", "Trender").get("vega_lite_chart")) == 2  # per clinic, all clinics


def test_clinic_user_sees_own_clinic_and_organisation_rows_only(demo_env):
    at = _page("karin")  # verksamhetschef, NM
    assert at.selectbox(key="_widget_pick_clinic").options == ["NM – Nuklearmedicin"]
    text = visible_text(at) + visible_text(open_tab(at, "annual_report_tab", "Brister"))
    assert "B-2025-03" in text and "B-2025-07" in text  # NM's own, and the organisation-wide one
    assert "B-2025-01" not in text and "Tre CT-protokoll" not in text  # RTG's
    assert set(open_tab(at, "annual_report_tab", "Indikatorer").dataframe[0].value["Gäller"]) == {"NM"}
    assert len(open_tab(at, "annual_report_tab", "Trender").get("vega_lite_chart")) == 1  # no comparison
    assert "Läs in ett strålskyddsbokslut" not in text


def test_import_page_refuses_clinic_roles(demo_env):
    at = open_page(logged_in("anna"), "pages/bokslut_import.py")
    assert "Du har inte behörighet till sidan Läs in bokslut" in at.error[0].value
    assert not at.get("file_uploader")


def test_training_doses_and_drl_from_a_format_1_1_bokslut(demo_env):
    at = open_page(logged_in("erik"), "pages/bokslut.py")  # RTG; the demo's 2025 bokslut has the new sheets
    text = visible_text(open_tab(at, "annual_report_tab", "Utbildning, doser och DRL"))
    tables = [t.value for t in at.table]
    training = next(t for t in tables if "Andel utbildade" in t.columns)
    doctors = training[training["Personalgrupp"] == "Läkare"].iloc[0]
    # 15 of 19, and 11 of 18 the year before
    assert (doctors["Andel utbildade"], doctors["2024"]) == ("78,9\u00a0%", "61,1\u00a0%")
    drl = next(t for t in tables if "Undersökningstyp" in t.columns)
    lungs = drl[drl["Undersökningstyp"] == "Lungor – stående (DAP)"].iloc[0]
    assert (lungs["Nationell DRL"], lungs["Kontroll"]) == ("0,25 Gy·cm²", "Äldre än tre år")  # as on paper
    assert "6 kap. 1 §" in text and "SSMFS 2023:3" in text and at.get("vega_lite_chart")


def test_the_overview_flags_drl_above_the_national_level_or_determined_too_long_ago(demo_env):
    from sqlmodel import Session

    from core import clock, db
    from core.services import protection_figures
    from core.services.auth import actor_for
    with Session(db.make_engine(demo_env)) as s:  # the page uses today's date, so the count follows the calendar
        rows = protection_figures.drl_attention(s, actor=actor_for(s, "strateg"), today=clock.today())
    text = visible_text(open_page(logged_in("strateg"), "pages/oversikt.py"))
    assert f"Diagnostiska standardnivåer att åtgärda ({len(rows)})" in text
    assert "RTG: Lungor – stående, Lungstativ 1: Äldre än tre år (senast bestämd 2021-04-01)" in text
    assert "KARD: Koronarangiografi, Angiolabb 2: ÖVER DRL" in text  # 38 against SSM's 11 Gy·cm²
