"""Kontrollera protokoll: anyone logged in drops a PDF (or an archive) and learns whether it is unaltered minutes.

The same answer as `stralportal verify`; the file is checked in memory and never stored.
"""
import streamlit as st

from core.glossary import PAGES
from core.services import verification
from pages._shared.auth import guard
from pages._shared.db import session, settings
from pages._shared.ui import plain

actor = guard("verify")
st.title(PAGES["verify"])
st.markdown("Släpp ett protokoll (PDF) eller ett arkiv (ZIP) från portalen här. Kontrollen visar om sigillet är "
            "intakt och täcker hela filen, vem som förseglade den och när, om det är portalens eget sigill och "
            "vilket justerat protokoll det är. Filen sparas inte.")
st.caption(plain(verification.seal_summary(settings())) + "  \nEn PDF-läsare (t.ex. Adobe Acrobat Reader) visar "
           "också sigillet under Underskrifter; ett egenutfärdat sigill visas där som okänd utfärdare.")

upload = st.file_uploader("Protokoll (PDF) eller arkiv (ZIP)", type=["pdf", "zip"],
                          max_upload_size=verification.MAX_MEGABYTES)
if upload is not None:
    problem = verification.size_problem(upload.size)  # before the file is read
    if problem:
        st.error(plain(problem))
        st.stop()
    with st.spinner("Kontrollerar …"), session() as s:
        verdict = verification.verify_file(upload.getvalue(), session=s, actor=actor, settings=settings())
    *details, result = verdict.lines
    (st.success if verdict.ok else st.error)(plain(result))
    st.markdown("  \n".join(plain(line, one_line=True) for line in details))
