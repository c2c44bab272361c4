"""Genomgång and Möte with AppTest: create next year's review, hold a short meeting, approve it."""
from datetime import date

from sqlmodel import Session, select

from core import db
from core.models import Action, AgendaItem, Attendance, FollowUp, Review, User
from core.services import agenda
from core.services.auth import SYSTEM_ACTOR
from pages._shared.ui import plain
from tests.factories import NOW
from tests.ui.helpers import logged_in, open_page, visible_text


def _choose(at, year: int):
    at.selectbox(key="_widget_pick_meeting_year").select(year).run()
    return at


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def _review(url: str, year: int) -> Review:
    with Session(db.make_engine(url)) as s:
        return s.exec(select(Review).where(Review.year == year, Review.clinic_id == 1)).one()


STEPS = ["Förbered", "Kalla", "Möte", "Justering", "Klart"]
NAVIGATION = {"_widget_pick_clinic", "_widget_pick_meeting_year", "logout_button"}  # what to see, and logging out
LOCKED = "Protokollet justerades 2025-03-13 10:00 och är låst."


def _controls(at) -> list[str]:
    """Label each input and button on the page but navigation (clinic, year, step, logging out); downloads read."""
    widgets = [*at.button, *at.text_input, *at.text_area, *at.date_input, *at.time_input, *at.number_input,
               *at.selectbox, *at.multiselect, *at.checkbox, *at.toggle, *at.radio, *at.slider, *at.select_slider,
               *at.segmented_control, *at.get("pills"), *at.get("file_uploader")]
    return [w.label for w in widgets if w.key not in NAVIGATION and not str(w.key).startswith("step_")]


def _steps(username: str):
    """Yield (step, page) for each step of the approved 2025 review, as the user sees it."""
    at = _choose(open_page(logged_in(username), "pages/genomgang.py"), 2025)
    assert at.segmented_control[0].value == "Klart"  # it opens on Klart
    for step in STEPS:
        yield step, at.segmented_control[0].set_value(step).run()


def test_demo_2025_review_is_approved_and_read_only(demo_env):
    """The samordnare, who runs the review, is offered nothing that changes it in any step; downloads only."""
    for step, at in _steps("erik"):
        assert _controls(at) == [], step
        assert not at.exception, step
        assert "Protokoll nr RTG 1/2025 · Justerad · version 1" in at.caption[0].value
        if step in ("Justering", "Klart"):
            assert [m.value for m in at.success] == [f"Alla har justerat. {LOCKED}" if step == "Justering" else LOCKED]
    at = _choose(open_page(logged_in("erik"), "pages/mote.py"), 2025)
    assert _controls(at) == []
    assert "Mötet är avslutat: protokollet är justerat. Se Genomgång för justering och protokoll." in visible_text(at)


def test_only_the_chair_may_reopen_the_approved_minutes_and_only_with_a_reason(demo_env):
    for step, at in _steps("anna"):
        assert _controls(at) == (["Återöppna", "Motivering *"] if step == "Klart" else []), step
    reopen = next(b for b in at.button if b.label == "Återöppna")
    assert reopen.form_id == next(t for t in at.text_area if t.label == "Motivering *").form_id == "reopen_1"


def test_creating_2026_brings_open_actions_into_follow_up(demo_env):
    at = _choose(open_page(logged_in("erik"), "pages/genomgang.py"), 2026)
    assert "ingen genomgång 2026 ännu" in visible_text(at)
    at.date_input[0].set_value(date(2026, 3, 11))
    next(t for t in at.text_input if t.label == "Plats").input("Konferensrum Röntgen")
    _button(at, "Skapa genomgången").click().run()
    assert "Genomgången 2026 för RTG är skapad" in visible_text(at)
    review = _review(demo_env, 2026)
    with Session(db.make_engine(demo_env)) as s:
        followed = s.exec(select(Action.title).join(FollowUp, FollowUp.action_id == Action.id)
                          .where(FollowUp.review_id == review.id)).all()
    assert set(followed) == {"Optimera CT-protokoll för buk tillsammans med sjukhusfysiker",  # still open
                             "Inför dosregistrering för genomlysning",  # still open
                             "Revidera rutinen för berättigande och ange delegering"}  # done since 2025


def test_meeting_page_steps_through_the_agenda_and_records_a_follow_up(demo_env):
    at = _choose(open_page(logged_in("erik"), "pages/genomgang.py"), 2026)
    _button(at, "Skapa genomgången").click().run()
    at = _choose(open_page(logged_in("erik"), "pages/mote.py"), 2026)
    _button(at, "Starta mötet").click().run()
    assert at.header[0].value == "§ 1 Mötets öppnande och närvaro"
    assert not at.warning  # every invited person shows as present until the meeting says otherwise
    assert {c.value for c in at.segmented_control} == {"present"}
    at.segmented_control[0].set_value("absent")
    _button(at, "Spara närvaro").click().run()
    assert "Närvaron är sparad." in visible_text(at) and "Ingen närvarande för: Verksamhetschef" in at.warning[0].value
    for _ in range(3):
        _button(at, "Nästa →").click().run()
    assert at.header[0].value == "§ 4 Uppföljning av föregående års beslutade åtgärder"
    assert "Åtgärd 1 av 3" in visible_text(at)
    at.segmented_control[0].set_value("done")
    next(t for t in at.text_input if t.label == "Kommentar").input("Alla tre protokoll klara")
    _button(at, "Spara och visa nästa").click().run()
    assert "Uppföljningen är sparad." in visible_text(at)
    with Session(db.make_engine(demo_env)) as s:
        recorded = s.exec(select(FollowUp).where(FollowUp.status == "done")).one()
        assert recorded.comment == "Alla tre protokoll klara"


def test_reader_cannot_run_the_meeting(demo_env):
    at = _choose(open_page(logged_in("lena"), "pages/genomgang.py"), 2026)
    assert "skapar genomgången" in visible_text(at) and not [b for b in at.button if b.label == "Skapa genomgången"]


def test_the_justerare_follows_the_link_signs_and_the_minutes_lock(demo_env):
    at = logged_in("strateg")
    at.query_params["klinik"] = "KARD"
    at.query_params["ar"] = "2026"
    at = open_page(at, "pages/genomgang.py")
    text = visible_text(at)
    assert "Protokoll nr KARD 2/2026" in text and "Ingrid Strand – har inte justerat ännu" in text
    assert "Ordföranden är också protokollförare" in text  # the warning, not a refusal
    button = _button(at, "Justera protokollet")
    assert button.disabled  # not before the approver confirms having read the minutes
    next(c for c in at.checkbox if c.label.startswith("Jag har läst protokollet")).check().run()
    _button(at, "Justera protokollet").click().run()
    assert "Du har justerat protokollet." in visible_text(at)
    review = _review_of(demo_env, "KARD", 2026)
    assert review.status == "approved"
    at = open_page(logged_in("lars"), "pages/oversikt.py")
    assert "Att justera" not in visible_text(at)


def _review_of(url: str, code: str, year: int) -> Review:
    from core.models import Clinic
    with Session(db.make_engine(url)) as s:
        return s.exec(select(Review).join(Clinic, Clinic.id == Review.clinic_id)
                      .where(Clinic.code == code, Review.year == year)).one()


def test_a_gap_in_the_self_assessment_can_be_decided_as_no_action_in_the_meeting(demo_env):
    from core.services import self_assessments
    from core.services.auth import actor_for
    at = _choose(open_page(logged_in("erik"), "pages/genomgang.py"), 2026)
    _button(at, "Skapa genomgången").click().run()
    with db.session_scope(db.make_engine(demo_env)) as s:
        erik = actor_for(s, "erik")
        assessment = self_assessments.start(s, actor=erik, clinic_id=1, year=2026, copy_last_year=False, now=NOW)
        answer, criterion = self_assessments.answers(s, actor=SYSTEM_ACTOR, assessment_id=assessment.id)[0]
        self_assessments.save_answer(s, actor=erik, answer_id=answer.id, level=1, not_applicable=False, reason=None,
                                     evidence=None, comment=None, now=NOW, expected_version=answer.version)
    at = _choose(open_page(logged_in("erik"), "pages/mote.py"), 2026)
    _button(at, "Starta mötet").click().run()
    _button(at, "§ 6 Genomgång av egenkontroll").click().run()
    assert criterion.code in visible_text(at)
    reason = next(t for t in at.text_area if t.label == "Motivering *")
    reason.input("Rutinen revideras redan")
    _button(at, "Besluta ingen åtgärd").click().run()
    assert "Beslutet är sparat." in visible_text(at) and "Ingen åtgärd: Rutinen revideras redan" in visible_text(at)


def _meeting_on(at, section: str):
    """Create RTG's 2026 review on 2026-03-11, start the meeting and go to a §."""
    at = _choose(open_page(logged_in("erik"), "pages/genomgang.py"), 2026)
    at.date_input[0].set_value(date(2026, 3, 11))
    _button(at, "Skapa genomgången").click().run()
    at = _choose(open_page(logged_in("erik"), "pages/mote.py"), 2026)
    _button(at, "Starta mötet").click().run()
    return next(b for b in at.button if b.label.startswith(section)).click().run()


def test_findings_come_one_at_a_time_and_a_decision_moves_to_the_next(demo_env):
    at = _meeting_on(None, "§ 7 ")
    assert "Brist 1 av 5 · 0 beslutade" in visible_text(at)
    assert next(d for d in at.date_input if d.label == "Klart senast *").value == date(2026, 9, 11)  # meeting + 6 mån
    with Session(db.make_engine(demo_env)) as s:
        anna = s.exec(select(User.id).where(User.username == "anna")).one()
    owner = next(b for b in at.selectbox if b.label == "Ansvarig *")
    assert owner.value == f"u{anna}"  # the chair is offered; one click decides when that is right
    assert "Nils Ek (Strålskyddsombud)" in owner.options  # those at the meeting, with their role there
    assert next(b for b in at.selectbox if b.label == "Prioritet").value == "high"  # the finding's severity is high
    _button(at, "Besluta åtgärd").click().run()
    text = visible_text(at)
    assert "Åtgärd 1 är beslutad." in text and "Brist 2 av 5 · 1 beslutade" in text
    assert "1. Lokal utredning och optimering med sjukhusfysiker. – Anna Berg, 2026-09-11" in text  # running list
    assert next(b for b in at.selectbox if b.label == "Prioritet").value == "medium"  # the next one is medium
    with Session(db.make_engine(demo_env)) as s:
        action = s.exec(select(Action).where(Action.owner_id == anna).order_by(Action.id.desc())).first()
    assert (action.title, action.owner_role, action.priority) == (
        "Lokal utredning och optimering med sjukhusfysiker.", "Verksamhetschef", "high")
    next(t for t in at.text_area if t.label == "Motivering *").input("")
    _button(at, "Besluta ingen åtgärd").click().run()  # refused: the reason is missing
    assert "Brist 2 av 5" in visible_text(at) and any("Motivering" in e.value for e in at.error)


def test_an_owner_outside_the_clinic_is_typed_with_a_role_once_chosen(demo_env):
    at = _meeting_on(None, "§ 7 ")
    assert not any(t.label == "Ansvarigs namn *" for t in at.text_input)  # hidden until "another person" is chosen
    owner = next(b for b in at.selectbox if b.label == "Ansvarig *")
    owner.set_value("other").run()
    next(t for t in at.text_input if t.label == "Ansvarigs namn *").input("Olle Konsult")
    _button(at, "Besluta åtgärd").click().run()  # refused: the role is missing, the typed name stays
    assert any("Roll: skriv vilken roll Olle Konsult har" in e.value for e in at.error)
    assert next(t for t in at.text_input if t.label == "Ansvarigs namn *").value == "Olle Konsult"
    next(t for t in at.text_input if t.label == "Ansvarigs roll *").input("Extern strålskyddsexpert")
    _button(at, "Besluta åtgärd").click().run()
    assert "Åtgärd 1 är beslutad." in visible_text(at)
    with Session(db.make_engine(demo_env)) as s:
        action = s.exec(select(Action).where(Action.number == 1, Action.owner_name == "Olle Konsult")).one()
    assert action.owner_id is None and action.owner_role == "Extern strålskyddsexpert"


def test_a_reader_follows_the_meeting_without_forms(demo_env):
    _meeting_on(None, "§ 1 ")
    at = _choose(open_page(logged_in("lena"), "pages/mote.py"), 2026)  # läsare of RTG and NM
    at.selectbox(key="_widget_pick_clinic").select(1).run()
    assert at.header[0].value == "§ 1 Mötets öppnande och närvaro"
    assert at.table and not at.text_input and not at.segmented_control and not at.text_area
    assert all(b.disabled for b in at.button if b.label in ("Nästa →", "← Föregående"))


def test_the_invitation_list_can_fill_a_name_and_take_a_row_off(demo_env):
    at = _choose(open_page(logged_in("erik"), "pages/genomgang.py"), 2026)
    _button(at, "Skapa genomgången").click().run()
    review = _review(demo_env, 2026)
    at.segmented_control(key=f"step_{review.id}").set_value("Kalla").run()
    with Session(db.make_engine(demo_env)) as s:
        rows = s.exec(select(Attendance).where(Attendance.review_id == review.id)).all()
    placeholder = next(r for r in rows if not r.name)  # a role the clinic has named nobody for
    at.selectbox(key=f"change_pick_{review.id}").set_value(placeholder.id).run()
    next(t for t in at.text_input if t.label == "Namn").input("Stina Chef")
    _button(at, "Spara namnet").click().run()
    assert "Namnet är sparat i kallelsen." in visible_text(at)
    nils = next(r for r in rows if r.name == "Nils Ek")
    at.selectbox(key=f"change_pick_{review.id}").set_value(nils.id).run()
    _button(at, "Ta bort ur kallelsen").click().run()
    assert "Nils Ek är borttagen ur kallelsen." in visible_text(at)
    with Session(db.make_engine(demo_env)) as s:
        names = set(s.exec(select(Attendance.name).where(Attendance.review_id == review.id)).all())
    assert "Stina Chef" in names and "Nils Ek" not in names and "" not in names


def test_the_agenda_of_one_meeting_can_get_a_point_and_lose_a_plain_one(demo_env):
    at = _choose(open_page(logged_in("erik"), "pages/genomgang.py"), 2026)
    _button(at, "Skapa genomgången").click().run()
    review = _review(demo_env, 2026)
    at.segmented_control(key=f"step_{review.id}").set_value("Kalla").run()
    next(t for t in at.text_input if t.label.startswith("Ny punkt")).input("Ny strålskyddslag 2027")
    _button(at, "Lägg till punkten").click().run()
    assert "Punkten är tillagd i dagordningen." in visible_text(at)
    picker = next(s for s in at.selectbox if s.label == "Punkt att ta bort")
    assert all("Mötets avslutande" not in o and "Val av justerare" not in o for o in picker.options)
    picker.set_value(next(i.id for i in _agenda(demo_env, review.id) if i.title == "Övriga frågor"))
    _button(at, "Ta bort punkten").click().run()
    titles = [(i.number, i.title) for i in _agenda(demo_env, review.id)]
    assert titles[-2:] == [(9, "Ny strålskyddslag 2027"), (10, "Mötets avslutande")]
    assert "Övriga frågor" not in dict(titles).values() and [n for n, _ in titles] == list(range(1, 11))
    assert any(i["title"] == "Övriga frågor" for i in agenda.template())  # the template is untouched


def _agenda(url: str, review_id: int):
    with Session(db.make_engine(url)) as s:
        return s.exec(select(AgendaItem).where(AgendaItem.review_id == review_id).order_by(AgendaItem.number)).all()


def test_a_stand_in_needs_a_name_and_is_recorded_with_whom_it_replaces(demo_env):
    at = _meeting_on(None, "§ 1 ")
    review = _review(demo_env, 2026)
    with Session(db.make_engine(demo_env)) as s:
        anna = s.exec(select(Attendance).where(Attendance.review_id == review.id,
                                               Attendance.name == "Anna Berg")).one()
    at.segmented_control(key=f"s_{anna.id}_{anna.version}").set_value("stand_in")
    _button(at, "Spara närvaro").click().run()
    assert any("Ersättare för Anna Berg: skriv ersättarens namn" in e.value for e in at.error)
    with Session(db.make_engine(demo_env)) as s:
        assert s.get(Attendance, anna.id).status == "invited"  # nothing was saved
    at.text_input(key=f"e_{anna.id}_{anna.version}").input("Per Holm")
    _button(at, "Spara närvaro").click().run()
    with Session(db.make_engine(demo_env)) as s:
        row = s.get(Attendance, anna.id)
    assert (row.name, row.status, row.stand_in_for) == ("Per Holm", "stand_in", "Anna Berg")
    assert "Per Holm" in visible_text(at) and "ersätter Anna Berg" in visible_text(at)


def test_the_bokslut_section_on_screen_shows_what_the_minutes_print(demo_env):
    """§ 5 in the meeting and § 5 of the minutes come from one builder: the same tables, cell for cell."""
    from core.documents.content import Table
    from core.services.minutes_content import build_content

    at = _choose(open_page(logged_in("erik"), "pages/genomgang.py"), 2026)
    _button(at, "Skapa genomgången").click().run()
    at = _choose(open_page(logged_in("erik"), "pages/mote.py"), 2026)
    _button(at, "Starta mötet").click().run()
    while not at.header[0].value.endswith("strålskyddsbokslutet"):
        _button(at, "Nästa →").click().run()
    with Session(db.make_engine(demo_env)) as s:
        review = _review(demo_env, 2026)
        section = next(x for x in build_content(s, actor=SYSTEM_ACTOR, review=review).sections
                       if x.kind == "annual_report")
    printed = [b.rows for b in section.blocks if isinstance(b, Table)]
    shown = [[list(t.value.columns), *t.value.values.tolist()] for t in at.table]
    as_markdown = [[[plain(c, one_line=True) for c in header], *[[plain(c) for c in row] for row in body]]
                   for header, *body in printed]  # every cell and header escaped: the screen shows the print's text
    assert len(printed) >= 5 and shown == as_markdown  # goals, indicators, training, doses, DRL (and events)
    assert "Utbildning i strålskydd 2025" in visible_text(at) and at.get("vega_lite_chart")  # and the chart


def test_a_postponed_follow_up_moves_on_and_the_minutes_print_in_number_order(demo_env):
    """Postpone the first of three, then decide the other two: each recorded once, shown and printed 2025:1, 2, 3."""
    from core.services.minutes_content import build_content

    at = _meeting_on(None, "§ 4 ")
    assert "Åtgärd 1 av 3 · 0 uppföljda" in visible_text(at)
    first = at.subheader[0].value
    at.segmented_control[0].set_value("in_progress")
    next(t for t in at.text_input if t.label == "Kommentar").input("Väntar på leverantören")
    next(d for d in at.date_input if d.label == "Skjuts upp till").set_value(date(2026, 12, 31))
    _button(at, "Spara och visa nästa").click().run()
    shown = []
    for n in (2, 3):
        text = visible_text(at)
        assert f"Åtgärd {n} av 3 · {n - 1} uppföljda" in text, text
        shown.append(at.subheader[0].value)
        assert next(t for t in at.text_input if t.label == "Kommentar").value == ""  # a fresh form for each action
        assert next(d for d in at.date_input if d.label == "Skjuts upp till").value is None
        at.segmented_control[0].set_value("done")
        _button(at, "Spara och visa nästa").click().run()
    assert "Åtgärd 3 av 3 · 3 uppföljda" in visible_text(at)
    assert len({first, *shown}) == 3  # none shown twice, none skipped
    review = _review(demo_env, 2026)
    with Session(db.make_engine(demo_env)) as s:
        rows = s.exec(select(FollowUp).where(FollowUp.review_id == review.id)).all()
        assert len(rows) == 3 and all(f.status and f.recorded_at for f in rows)
        assert sorted(f.status for f in rows) == ["done", "done", "in_progress"]
        section = next(x for x in build_content(s, actor=SYSTEM_ACTOR, review=review).sections
                       if x.kind == "follow_up")
    numbers = [row[0] for row in section.blocks[0].rows[1:]]
    assert numbers == sorted(numbers, key=lambda n: tuple(map(int, n.split(":")))), numbers


def test_forbered_lists_what_is_missing_with_a_link_to_where_it_is_fixed(demo_env):
    at = _choose(open_page(logged_in("erik"), "pages/genomgang.py"), 2026)
    chair = next(b for b in at.selectbox if b.label.startswith("Ordförande"))
    assert chair.value is not None  # the clinic's verksamhetschef is suggested
    chair.select_index(0)  # "Välj": nobody
    _button(at, "Skapa genomgången").click().run()
    review = _review(demo_env, 2026)
    at.segmented_control(key=f"step_{review.id}").set_value("Förbered").run()
    text = visible_text(at)
    assert "Saknas före mötet" in text
    assert "Ordförande: välj klinikens verksamhetschef som ordförande under Förbered." in text
    assert "Egenkontroll 2026: inte påbörjad." in text  # the meeting would find out at § 6
    link = next(p.proto for p in at.main.get("page_link") if p.proto.label == "Till Egenkontroll")
    assert "egenkontroll" in link.page and link.query_string == "klinik=RTG&ar=2026"
    at.segmented_control(key=f"step_{review.id}").set_value("Kalla").run()
    assert "Kallelsen kan inte skickas ännu" in visible_text(at)
    assert not at.get("download_button") and not any(b.label == "Markera som kallad" for b in at.button)
    _button(at, "Till Förbered").click().run()
    assert at.segmented_control(key=f"step_{review.id}").value == "Förbered"


def test_ending_the_meeting_shows_the_minutes_and_asks_for_confirmation(demo_env):
    """§ 10 shows the minutes as they will be frozen, every plain § with its standard text; frozen only once read."""
    from core.services import actions, minutes
    from core.services.auth import actor_for
    from core.services.minutes_content import build_content

    at = _meeting_on(None, "§ 1 ")
    _button(at, "Spara närvaro").click().run()  # everyone invited came
    at = next(b for b in at.button if b.label.startswith("§ 3 ")).click().run()
    decided = next(t for t in at.text_area if t.label.startswith("Beslut"))
    assert decided.value == "godkänna dagordningen"  # the template's standard decision, editable in the meeting
    review = _review(demo_env, 2026)
    with db.session_scope(db.make_engine(demo_env)) as s:
        erik, anna = actor_for(s, "erik"), actor_for(s, "anna")
        for item in actions.findings_for_review(s, actor=erik, review_id=review.id):
            actions.decide_no_action(s, actor=anna, review_id=review.id, reason="Hanteras redan.", now=NOW,
                                     finding_id=item.finding.id)
        nils = s.exec(select(User.id).where(User.username == "nils")).one()
        minutes.choose_adjusters(s, actor=erik, review_id=review.id, user_ids=[nils], now=NOW)
    at = next(b for b in at.button if b.label.startswith("§ 10 ")).click().run()
    shown = visible_text(at)
    for text in ("§ 3 Godkännande av dagordning", "Beslutades att godkänna dagordningen.",
                 "Inga övriga frågor anmäldes.", "Ordföranden förklarade mötet avslutat."):
        assert text in shown, text
    end = _button(at, "Avsluta mötet och skicka protokollet till justering")
    assert end.disabled  # not before the one who leads the meeting confirms having read the minutes
    with Session(db.make_engine(demo_env)) as s:
        previewed = build_content(s, actor=SYSTEM_ACTOR, review=_review(demo_env, 2026)).as_json()
    next(c for c in at.checkbox if c.label.startswith("Jag har läst igenom protokollet")).check().run()
    _button(at, "Avsluta mötet och skicka protokollet till justering").click().run()
    assert "Protokollet är skickat till justering." in visible_text(at)
    with Session(db.make_engine(demo_env)) as s:
        from core.services._queries import minutes_record
        frozen = minutes_record(s, _review(demo_env, 2026))
    assert _review(demo_env, 2026).status == "approval"
    assert frozen.content["sections"] == previewed["sections"]  # what was shown is what was frozen (the signers
    # who sign for the chair and the minutes are added when the minutes are sent)
    assert all(section["blocks"] for section in frozen.content["sections"])  # no § prints empty
