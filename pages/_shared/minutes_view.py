"""The minutes on Genomgång: what they say, § by §, and the PDF and archive, made only when clicked."""
from datetime import date

import streamlit as st

from core import clock
from core.enums import ReviewStatus
from core.glossary import LABELS as L
from core.models import Clinic, Review
from core.permissions import Actor
from core.services import archive, minutes_document
from pages._shared.blocks import show_block
from pages._shared.db import session
from pages._shared.downloads import file_download
from pages._shared.ui import plain


def preview(actor: Actor, review: Review, title: str = "Protokollet som justeras",
            expanded: bool | None = None) -> None:
    """Show what the minutes say, § by §, as the approvers approve it (or, in the meeting, as it will be frozen)."""
    with session() as s:
        content, _ = minutes_document.content_for(s, actor=actor, review_id=review.id)
    with st.expander(title, expanded=review.status == ReviewStatus.APPROVAL if expanded is None else expanded):
        st.caption(f"{L['minutes_number'].format(number=plain(content.number))} · version {content.version} · "
                   "underlag: " + plain("; ".join(content.basis)))
        if content.replaces:
            st.info(plain(content.replaces))
        for section in content.sections:
            st.markdown(f"**{plain(section.heading, one_line=True)}**")
            for block in section.blocks:
                show_block(block)


def download(actor: Actor, review: Review, clinic: Clinic) -> None:
    """Offer the minutes PDF; it is made (or, once approved, read as stored) only when the user clicks."""
    approved = review.status == ReviewStatus.APPROVED
    review_id = review.id
    file_download("Ladda ner protokoll (PDF)" if approved else "Ladda ner utkast till protokoll (PDF)",
                  lambda s: minutes_document.review_minutes_pdf(s, actor=actor, review_id=review_id),
                  key=f"minutes_pdf_{review_id}", mime="application/pdf", icon=":material/download:", type="primary",
                  file_name=f"protokoll-{clinic.code}-{review.year}-v{review.minutes_version}"
                            f"{'' if approved else '-utkast'}.pdf")


def archive_download(actor: Actor, review: Review, clinic: Clinic, today: date) -> None:
    """Offer the archive ZIP, made only when the user clicks (never kept in the session)."""
    review_id = review.id
    file_download("Ladda ner arkivet (ZIP)",
                  lambda s: archive.review_archive(s, actor=actor, review_id=review_id, today=today, now=clock.now()),
                  key=f"archive_{review_id}", mime="application/zip", icon=":material/download:",
                  file_name=f"arkiv-{clinic.code}-{review.year}-v{review.minutes_version}.zip")
    st.caption("Arkivet innehåller de förseglade protokollen med deras innehåll (JSON), åtgärdsplanen, klinikens del "
               "av bokslutet, bilagor, sigillets certifikat och manifest.json med kontrollsumma (SHA-256) för varje "
               "fil. Hela arkivet kontrolleras med `stralportal verify` eller under Kontrollera protokoll.")
