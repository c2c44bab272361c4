"""Egenkontroll page: start, answer an area, and radiotherapy staffing against Tabell 1."""
from tests.ui.helpers import logged_in, open_page, open_tab, visible_text


def _start(username: str):
    at = open_page(logged_in(username), "pages/egenkontroll.py")
    at.selectbox(key="_widget_pick_meeting_year").select(2026).run()
    next(b for b in at.button if b.label == "Påbörja egenkontrollen").click().run()
    return at


def test_answering_an_area_updates_progress_and_gaps(demo_env):
    at = _start("erik")
    assert "Egenkontrollen för 2026 är påbörjad." in visible_text(at)
    # criteria version 2: the notes are shown, the regulation's own words on demand
    assert "Att veta: Att utse strålskyddsombud" in visible_text(at)
    quotes = [e for e in at.expander if e.label == "Citat ur föreskriften"]
    assert quotes and "Organisationen ska vara dokumenterad i en organisationsplan." in \
        " ".join(m.value for m in quotes[0].markdown)
    at.radio(key=at.radio[0].key).set_value(2)
    next(b for b in at.button if b.label == "Spara området").click().run()
    assert "Svaren för Ledning, organisation och ansvar är sparade." in visible_text(at)
    assert at.metric[0].value.startswith("1 av") and at.metric[2].value == "1"


def test_radiotherapy_staffing_shows_minimum_and_shortfall(demo_env):
    at = open_tab(_start("per"), "self_assessment_tabs", "Bemanning")  # ONK: strålbehandling
    labels = {n.label: n for n in at.number_input}
    labels["Patienter per år"].set_value(1500)
    labels["Behandlingsapparater (acceleratorer)"].set_value(4)
    next(t for t in at.text_input if t.label.startswith("Specialist")).input("4")
    next(t for t in at.text_input if t.label.startswith("Personal i matrisrummet")).input("2,5")
    next(b for b in at.button if b.label == "Spara och beräkna").click().run()
    table = at.dataframe[-1].value
    oncologists = table[table["Yrkesgrupp"].str.startswith("Specialist")].iloc[0]
    assert oncologists["Krav enligt Tabell 1 (heltidstjänster)"] == "6" and oncologists["Saknas"] == "2"
    mould = table[table["Yrkesgrupp"].str.startswith("Personal i matrisrummet")].iloc[0]
    assert mould["I dag"] == "2,5" and mould["Saknas"] == ""  # 1 500 / 600 = 2,5 FTE: met, not rounded up to 3
    assert "STUK:s direktiv ST 2.1" in visible_text(at) and "inte ett svenskt krav" in visible_text(at)
