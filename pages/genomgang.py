"""Genomgång: prepare, call, hold (in Möte), approve and archive a clinic's yearly review."""
from datetime import date

import streamlit as st

from core import clock, glossary, mail
from core.enums import (
    AttendanceStatus,
    MeetingRole,
    ReviewStatus,
    Role,
    SignatureRole,
)
from core.formatting import datetime_text
from core.glossary import FIELDS, MODELS, PAGES
from core.glossary import LABELS as L
from core.limits import max_length
from core.models import AgendaItem, Attendance, Review
from core.permissions import Permission, can
from core.services import (
    actions,
    agenda,
    attendance,
    meeting_notice,
    minutes,
    minutes_document,
    preparation,
    reviews,
    verification,
)
from core.services.annual_reports import get_report
from pages._shared import minutes_view, preparation_view
from pages._shared.auth import guard
from pages._shared.db import session, settings
from pages._shared.history_view import review_history
from pages._shared.pickers import clinic_year_header
from pages._shared.ui import (
    edit_snapshot,
    forget_edit,
    form_round,
    offer_reload,
    plain,
    save,
    show_flash,
    text_table,
)

CHAIR = glossary.term(SignatureRole.CHAIR)
STEPS = ["Förbered", "Kalla", "Möte", "Justering", "Klart"]
STEP_OF_STATUS = {ReviewStatus.PREPARATION: "Förbered", ReviewStatus.CALLED: "Kalla", ReviewStatus.MEETING: "Möte",
                  ReviewStatus.APPROVAL: "Justering", ReviewStatus.APPROVED: "Klart"}

actor = guard("review")
today = clock.today()
clinics, clinic_id, year = clinic_year_header(actor, PAGES["review"], today)
show_flash()
if clinic_id is None:
    st.info("Du har ingen klinik att välja.")
    st.stop()
clinic = clinics[clinic_id]
may_run = can(actor, Permission.PREPARE_REVIEW, clinic_id)
with session() as s:
    review = reviews.find_review(s, actor=actor, clinic_id=clinic_id, year=year)
    people = {u.id: u.name for u in reviews.clinic_people(s, actor=actor, clinic_id=clinic_id)}
    chairs = {u.id: u.name for u in reviews.chair_candidates(s, actor=actor, clinic_id=clinic_id)}
    report = get_report(s, actor=actor, year=year - 1)


def _default(user_id: int | None) -> int | None:
    """Return user_id when it is one of the clinic's people."""
    return user_id if user_id in people else None


def _text(box, current, field: str, label: str, suggested: str = "") -> str:
    """A review's text field: as saved, or a suggestion for a new review; as long as its column allows."""
    value = (getattr(current, field) or "") if current else suggested
    return box.text_input(label, value=value, max_chars=max_length(Review, field))


def _details_form(current=None) -> dict:
    """Render date, time, place, chair and minute-taker fields (inside a form); a new review gets suggestions."""
    left, middle, right = st.columns(3)
    ids = [None, *people]
    head = next((i for i, name in people.items() if name == clinic.head_name), None)
    chair = current.chair_id if current else head
    secretary = current.secretary_id if current else _default(actor.user_id)
    return {
        "meeting_date": left.date_input(
            FIELDS["meeting_date"],
            value=current.meeting_date if current else max(today, date(year, 3, 15)),
            format="YYYY-MM-DD",
        ),
        "start_time": _text(middle, current, "start_time", f"{FIELDS['start_time']} ({L['time_format']})", "13:00"),
        "end_time": _text(right, current, "end_time", f"{FIELDS['end_time']} ({L['time_format']})", "15:00"),
        "location": _text(left, current, "location", FIELDS["location"]),
        "video_link": _text(middle, current, "video_link", f"{FIELDS['video_link']} ({L['optional']})"),
        "chair_id": right.selectbox(
            f"{CHAIR} ({glossary.term(Role.VERKSAMHETSCHEF).lower()})",
            [None, *chairs],
            format_func=lambda i: chairs.get(i, "Välj"),
            index=[None, *chairs].index(chair) if chair in chairs else 0,
            help="Bara den som får justera klinikens protokoll som ordförande.",
        ),
        "secretary_id": left.selectbox(
            glossary.term(SignatureRole.SECRETARY),
            ids,
            format_func=lambda i: people.get(i, "Välj"),
            index=ids.index(secretary) if secretary in ids else 0,
        ),
    }


if review is None:
    st.subheader(f"{plain(clinic.name, one_line=True)}: ingen genomgång {year} ännu")
    if report is None:
        st.warning(f"Strålskyddsbokslutet för {year - 1} är inte inläst. Genomgången kan förberedas ändå, "
                   "men bokslutet behövs på mötet.")
    else:
        st.markdown(f"Genomgången bygger på strålskyddsbokslutet för {year - 1}. Kallelselistan fylls i med "
                    "rutinens roller, dagordningen hämtas från mallen och alla öppna åtgärder från tidigare år "
                    "tas med för uppföljning.")
    if not may_run:
        st.info("Strålsäkerhetssamordnaren eller verksamhetschefen skapar genomgången.")
        st.stop()
    with session() as s:
        no_chair = preparation.no_chair_warning(s, actor=actor, clinic_id=clinic_id)
    if no_chair:
        st.warning(plain(no_chair) + " Genomgången kan skapas ändå, men kallelsen kan inte skickas utan ordförande.")
    with st.form("create_review"):
        data = _details_form()
        if st.form_submit_button("Skapa genomgången", type="primary"):
            save(lambda s: reviews.create_review(s, actor=actor, clinic_id=clinic_id, year=year, data=data,
                                                 now=clock.now()),
                 f"Genomgången {year} för {clinic.code} är skapad med kallelselista, dagordning och uppföljning.")
    st.stop()

status_word = glossary.term(review.status, ReviewStatus)
st.caption(
    f"{L['minutes_number'].format(number=plain(review.protocol_number))} · {status_word} · "
    f"version {review.minutes_version} · "
    f"underlag: strålskyddsbokslut {year - 1}" + ("" if review.annual_report_id else " (ej inläst)")
)
step = st.segmented_control("Steg", STEPS, default=STEP_OF_STATUS[review.status], key=f"step_{review.id}",
                            label_visibility="collapsed") or STEP_OF_STATUS[review.status]


def render_prepare() -> None:
    """Date, time, place, chair, minute-taker, and what exists for the meeting."""
    with session() as s:
        follow_ups = len(actions.follow_ups(s, actor=actor, review_id=review.id))
        for warning in minutes.warnings(s, actor=actor, review_id=review.id):
            st.warning(plain(warning))
    st.markdown(f"- Strålskyddsbokslut {year - 1}: **{'inläst' if review.annual_report_id else 'saknas'}**\n"
                f"- Tidigare åtgärder att följa upp: **{follow_ups}**\n"
                f"- Kallelse: **{'skickad' if review.status != ReviewStatus.PREPARATION else 'inte skickad ännu'}**")
    if reviews.is_editable(review):  # approved minutes need nothing more
        preparation_view.checklist(actor, review, clinic)
    if may_run and reviews.is_editable(review):
        st.subheader("Uppgifter om mötet", anchor=preparation_view.DETAILS_ANCHOR)
        version, shown = edit_snapshot("review", review.id, review.version, review)  # the review as opened
        with st.form(f"details_{review.id}_{version}"):
            data = _details_form(shown)
            if st.form_submit_button(L["save"], type="primary"):
                save(lambda s: _update_details(s, data, version), "Uppgifterna om mötet är sparade.")
        offer_reload("review", (review.id, version, review.version))


def _update_details(s, data: dict, version: int) -> None:
    """Save date, time, place, chair and minute-taker, refused if the review changed since the form was opened."""
    reviews.update_review(s, actor=actor, review_id=review.id, data=data, expected_version=version, now=clock.now())
    forget_edit("review", review.id)


def render_call() -> None:
    """The invitation list, the agenda and the kallelse files."""
    with session() as s:
        rows = attendance.attendees(s, actor=actor, review_id=review.id)
        items = agenda.items(s, actor=actor, review_id=review.id)
    left, right = st.columns([3, 2])
    left.markdown(f"**{L['invited']}**")
    text_table([{FIELDS["role"]: glossary.term(a.meeting_role, MeetingRole), FIELDS["name"]: a.name or "(saknas)",
                 FIELDS["email"]: a.email or ""} for a in rows], left)
    right.markdown(f"**{L['agenda']}**")
    right.markdown("\n".join(f"{i.number}. {plain(i.title, one_line=True)}" for i in items))
    if may_run and reviews.is_editable(review):
        _change_attendee_form(rows)
        _add_attendee_form()
        _agenda_form(items)
    _kallelse_downloads()


def _agenda_form(items) -> None:
    """Add a § to this meeting's agenda, or take a plain one off (the template stays as it is)."""
    with st.expander("Ändra dagordningen för detta möte"):
        with st.form(f"agenda_add_{review.id}_{form_round('agenda')}"):
            title = st.text_input("Ny punkt (läggs före mötets avslutande)", max_chars=max_length(AgendaItem, "title"))
            if st.form_submit_button("Lägg till punkten"):
                save(lambda s: agenda.add_item(s, actor=actor, review_id=review.id, title=title,
                                               now=clock.now()), "Punkten är tillagd i dagordningen.",
                     empty_form="agenda")
        plain_items = {i.id: i for i in items if agenda.is_removable(i, items)}
        if plain_items:
            with st.form(f"agenda_remove_{review.id}"):
                chosen = st.selectbox("Punkt att ta bort", list(plain_items),
                                      format_func=lambda i: f"§ {plain_items[i].number} {plain_items[i].title}")
                if st.form_submit_button("Ta bort punkten"):
                    save(lambda s: agenda.remove_item(s, actor=actor, item_id=chosen, now=clock.now()),
                         "Punkten är borttagen ur dagordningen.")


def _change_attendee_form(rows) -> None:
    """Fill in or replace a name on the invitation list, or take a row off it."""
    with st.expander("Ändra i kallelsen (fyll i ett namn, byt person eller ta bort)"):
        by_id = {a.id: a for a in rows}
        chosen = by_id[
            st.selectbox(
                glossary.term(AttendanceStatus.INVITED),
                list(by_id),
                key=f"change_pick_{review.id}",
                format_func=lambda i: (
                    f"{glossary.term(by_id[i].meeting_role, MeetingRole)} – {by_id[i].name or '(namn saknas)'}"
                ),
            )
        ]
        with st.form(f"change_{chosen.id}_{chosen.version}"):
            name = st.text_input(FIELDS["name"], value=chosen.name, max_chars=max_length(Attendance, "name"))
            left, right = st.columns(2)
            if left.form_submit_button("Spara namnet", type="primary"):
                save(lambda s: attendance.update_attendee(s, actor=actor, attendance_id=chosen.id, name=name,
                                                          now=clock.now(), expected_version=chosen.version),
                     "Namnet är sparat i kallelsen.")
            if right.form_submit_button("Ta bort ur kallelsen"):
                save(lambda s: attendance.remove_attendee(s, actor=actor, attendance_id=chosen.id, now=clock.now(),
                                                          expected_version=chosen.version),
                     f"{chosen.name or 'Raden'} är borttagen ur kallelsen.")


def _add_attendee_form() -> None:
    """Invite one more person, by user or by typed name."""
    with st.expander("Lägg till en person i kallelsen"):
        with st.form(f"invite_{review.id}_{form_round('invite')}"):
            left, middle, right = st.columns(3)
            user_id = left.selectbox(MODELS["User"], [None, *people], format_func=lambda i: people.get(i, "Ingen"))
            name = middle.text_input("…eller namn", max_chars=max_length(Attendance, "name"))
            roles = glossary.options(MeetingRole)
            role = right.selectbox(FIELDS["role"], list(roles), format_func=roles.get, index=len(roles) - 1)
            if st.form_submit_button("Lägg till"):
                save(
                    lambda s: attendance.add_attendee(
                        s,
                        actor=actor,
                        review_id=review.id,
                        name=name,
                        meeting_role=role,
                        user_id=user_id,
                        now=clock.now(),
                    ),
                    "Personen är tillagd i kallelsen.",
                    empty_form="invite",
                )


def _kallelse_downloads() -> None:
    """Offer the kallelse as calendar file and PDF; mark the review as called."""
    if review.meeting_date is None:
        st.info("Bestäm datum under Förbered för att kunna skapa kallelsen.")
        return
    if preparation_view.notice_refusal(actor, review, clinic):
        return
    with session() as s:
        ics, pdf = meeting_notice.notice_files(s, actor=actor, review_id=review.id, now=clock.now())
    name = f"kallelse-{clinic.code}-{year}"
    left, middle, right = st.columns(3)
    left.download_button("Kallelse som PDF", pdf, file_name=f"{name}.pdf", mime="application/pdf",
                         icon=":material/picture_as_pdf:")
    middle.download_button("Kalenderfil (.ics)", ics, file_name=f"{name}.ics", mime="text/calendar",
                           icon=":material/event:")
    if may_run and mail.configured(settings()) and left.button("Skicka kallelsen med e-post", icon=":material/mail:"):
        save(lambda s: meeting_notice.send_notice(s, actor=actor, review_id=review.id, settings=settings(),
                                                  now=clock.now()),
             lambda delivery: delivery.text("Kallelsen"))
    if may_run and review.status == ReviewStatus.PREPARATION and right.button("Markera som kallad", type="primary"):
        save(lambda s: reviews.set_status(s, actor=actor, review_id=review.id, status=ReviewStatus.CALLED,
                                          now=clock.now()), "Genomgången är markerad som kallad.")


def render_meeting() -> None:
    """Lead to the meeting mode."""
    st.markdown("Mötet leds i **mötesläget**: en punkt i taget, stor text för projektorn.")
    st.page_link("pages/mote.py", label="Öppna mötesläget", icon=":material/co_present:")


def render_approval() -> None:
    """Who signs and who has signed, the approval for the logged-in signer, then the minutes to read."""
    with session() as s:
        signed = minutes.signatures(s, actor=actor, review_id=review.id)
        names = {u.id: u.name for u in minutes.signers_of(s, actor=actor, review_id=review.id)}
        _, checksum = minutes_document.content_for(s, actor=actor, review_id=review.id)
        for warning in minutes.warnings(s, actor=actor, review_id=review.id):
            st.warning(plain(warning))
    if review.status == ReviewStatus.APPROVED:
        st.success(f"Alla har justerat. Protokollet justerades {datetime_text(review.approved_at)} och är låst.")
    if not signed:
        st.info("Justerare väljs under § Val av justerare i mötesläget.")
    for signature in signed:
        state = (f"justerade {datetime_text(signature.signed_at)} (kontrollsumma {signature.content_sha256[:12]})"
                 if signature.signed_at else "har inte justerat ännu")
        st.markdown(f"- **{glossary.term(signature.role, SignatureRole)}:** {plain(names.get(signature.user_id, '–'))} "
                    f"– {state}")
    mine = [x for x in signed if x.user_id == actor.user_id and x.signed_at is None]
    if review.status == ReviewStatus.APPROVAL and mine:
        with st.container(border=True):
            read = st.checkbox("Jag har läst protokollet nedan och intygar att det stämmer med vad mötet beslutade.")
            st.caption(f"Du justerar protokollets innehåll med kontrollsumman {checksum[:12]}. Justeringen kan "
                       "inte ångras; ett justerat protokoll kan bara återöppnas av ordföranden med en motivering.")
            if st.button("Justera protokollet", type="primary", disabled=not read):
                save(lambda s: minutes.approve(s, actor=actor, review_id=review.id, now=clock.now()),
                     "Du har justerat protokollet.")
    if review.status == ReviewStatus.APPROVAL and may_run and mail.configured(settings()) and st.button(
            "Påminn dem som inte har justerat (e-post)", icon=":material/mail:"):
        save(lambda s: minutes.notify_approvers(s, actor=actor, review_id=review.id, settings=settings()),
             lambda delivery: delivery.text("Påminnelsen om justering"))
    if review.status == ReviewStatus.APPROVAL and may_run and st.button("Ta tillbaka till mötet för rättelse"):
        save(lambda s: minutes.return_to_meeting(s, actor=actor, review_id=review.id, now=clock.now()),
             "Protokollet är tillbaka i mötet; godkännanden som getts är nollställda.")
    minutes_view.download(actor, review, clinic)
    minutes_view.preview(actor, review)


def _approved_versions() -> None:
    """Every approved version, as stored when it was approved (never printed again from live data)."""
    with session() as s:
        versions = minutes_document.approved_versions(s, actor=actor, review_id=review.id)
    for version in reversed(versions):
        with st.container(border=True):
            left, right = st.columns([3, 1.2], vertical_alignment="center")
            state = (f"ersatt – återöppnad {datetime_text(version.reopened_at)} av {plain(version.reopened_by_name)}: "
                     f"{plain(version.reopen_reason, one_line=True)}" if version.reopened_at else "gällande")
            left.markdown(f"**Version {version.version}** · justerad {datetime_text(version.approved_at)} · {state}")
            left.caption(f"Kontrollsumma för innehållet (SHA-256): {version.content_sha256}  \n"
                         f"Kontrollsumma för PDF-filen (SHA-256): {version.pdf_sha256}")
            right.download_button("Ladda ner (PDF)", version.pdf, mime="application/pdf",
                                  file_name=f"protokoll-{clinic.code}-{year}-v{version.version}.pdf",
                                  icon=":material/download:", key=f"version_{version.id}",
                                  type="primary" if not version.reopened_at else "secondary")
    if versions:
        st.caption(plain(verification.seal_summary(settings())) + f" Kontrollera en fil under {PAGES['verify']}.")


def render_done() -> None:
    """The approved minutes and reopening them (chair, with a reason)."""
    if review.status != ReviewStatus.APPROVED:
        st.info(
            "Protokollet är inte justerat ännu."
            if review.minutes_version == 1
            else f"Version {review.minutes_version} är inte justerad ännu. "
            "De tidigare justerade versionerna finns kvar:"
        )
        _approved_versions()
        return
    st.success(f"Protokollet justerades {datetime_text(review.approved_at)} och är låst.")
    _approved_versions()
    minutes_view.archive_download(actor, review, clinic, today)
    if can(actor, Permission.APPROVE_REVIEW, clinic_id):
        with st.expander("Återöppna protokollet"):
            with st.form(f"reopen_{review.id}"):
                reason = st.text_area(f"{FIELDS['reason']} *", help="Syns i historiken. Justeringarna nollställs och "
                                                           "protokollet får en ny version.")
                if st.form_submit_button("Återöppna"):
                    save(lambda s: minutes.reopen(s, actor=actor, review_id=review.id, reason=reason, now=clock.now()),
                         "Protokollet är återöppnat som en ny version.")


{"Förbered": render_prepare, "Kalla": render_call, "Möte": render_meeting, "Justering": render_approval,
 "Klart": render_done}[step]()


review_history(actor, review.id)
