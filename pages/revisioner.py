"""Kliniska revisioner: the register of a clinic's clinical audits and their findings."""
import streamlit as st

from core import clock, glossary
from core.enums import Severity
from core.formatting import date_text
from core.glossary import FIELDS, PAGES
from core.glossary import LABELS as L
from core.limits import max_length
from core.models import ClinicalAudit
from core.permissions import Permission, can
from core.services import clinical_audits
from pages._shared.auth import guard
from pages._shared.db import session, settings
from pages._shared.pickers import clinic_header
from pages._shared.ui import form_round, plain, save, show_flash

FINDING_ROWS = 5
SEVERITIES = glossary.options(Severity)

actor = guard("clinical_audits")
today = clock.today()
clinics, clinic_id = clinic_header(actor, PAGES["clinical_audits"])
show_flash()
if clinic_id is None:
    st.stop()
with session() as s:
    register = clinical_audits.audits_of(s, actor=actor, clinic_id=clinic_id)
interval = settings().audit_interval_years
last_whole = max((a.audit_date for a, _ in register if a.whole_activity), default=None)
if clinical_audits.whole_activity_overdue(last_whole, today, interval):
    st.warning(f"Ingen klinisk revision av hela verksamheten de senaste {interval} åren"
               + (f" (senast {date_text(last_whole)})." if last_whole else " (ingen registrerad)."))
else:
    st.success(f"Senaste revision av hela verksamheten: {date_text(last_whole)}.")

for record, findings in register:
    kind = "Extern" if record.external else "Intern"
    with st.expander(f"{date_text(record.audit_date)} · {kind} · {plain(record.scope, one_line=True)}"
                     + (f" · {L['whole_activity'].lower()}" if record.whole_activity else "")):
        st.markdown(f"**{FIELDS['auditors']}:** {plain(record.auditors)}")
        if record.summary:
            st.markdown(plain(record.summary))
        for f in findings:
            severity = glossary.term(f.severity, Severity).lower()
            st.markdown(f"- **{plain(f.code)}** ({severity}): {plain(f.description)}")
        with session() as s:
            report = clinical_audits.report_of(s, actor=actor, audit_id=record.id)
        if report:
            st.download_button("Ladda ner rapporten", report.content, file_name=report.filename,
                               mime=report.media_type, key=f"report_{record.id}")
if not register:
    st.info("Inga kliniska revisioner är registrerade för kliniken.")

if can(actor, Permission.EDIT_SELF_ASSESSMENT, clinic_id):
    st.subheader("Registrera en revision")
    prefix = f"audit_{form_round('audit')}"
    with st.form(prefix):
        one, two, three = st.columns(3)
        data = {"audit_date": one.date_input(f"{L['date']} *", value=today, format="YYYY-MM-DD"),
                "external": two.toggle("Extern revision"),
                "whole_activity": three.toggle(L["whole_activity"]),
                "scope": st.text_input(f"{FIELDS['scope']} *", placeholder="t.ex. Remisshantering och berättigande"),
                "auditors": st.text_input(f"{FIELDS['auditors']} *", max_chars=max_length(ClinicalAudit, "auditors")),
                "summary": st.text_area("Sammanfattning", height=80)}
        st.markdown("**Brister som revisionen fann** (tas upp på nästa genomgång)")
        findings = []
        for i in range(FINDING_ROWS):
            left, right = st.columns([4, 1])
            text = left.text_input(L["finding_n"].format(n=i + 1), key=f"{prefix}_f{i}", label_visibility="collapsed",
                                   placeholder=L["finding_n"].format(n=i + 1))
            severity = right.selectbox(L["severity"], list(SEVERITIES), format_func=SEVERITIES.get, index=1,
                                       key=f"{prefix}_s{i}", label_visibility="collapsed")
            if text.strip():
                findings.append({"description": text, "severity": severity})
        report = st.file_uploader(f"Rapport ({L['optional']})", type=["pdf", "docx", "doc"], key=f"{prefix}_report")
        if st.form_submit_button("Registrera revisionen", type="primary"):
            attached = (report.getvalue(), report.name) if report else None
            save(lambda s: clinical_audits.register(s, actor=actor, clinic_id=clinic_id, data=data, findings=findings,
                                                    report=attached, now=clock.now()),
                 "Revisionen är registrerad.", empty_form="audit")
