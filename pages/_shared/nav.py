"""Every page of the portal, its group and who may open it; app.py and the sidebar both read this."""
from dataclasses import dataclass

import streamlit as st

from core.glossary import GROUPS, PAGES
from core.permissions import Actor, Permission, can


@dataclass(frozen=True)
class PageDef:
    """A page: glossary key, script path, sidebar group, icon, and the permission it needs."""

    key: str
    path: str
    group: str
    icon: str
    permission: Permission | None = None

    @property
    def title(self) -> str:
        """Return the page's Swedish title."""
        return PAGES[self.key]


ALL_PAGES = [
    PageDef("overview", "pages/oversikt.py", "start", ":material/dashboard:"),
    PageDef("clinics", "pages/kliniker.py", "start", ":material/local_hospital:"),
    PageDef("review", "pages/genomgang.py", "review", ":material/event_note:"),
    PageDef("meeting", "pages/mote.py", "review", ":material/co_present:"),
    PageDef("actions", "pages/atgarder.py", "review", ":material/task_alt:"),
    PageDef("self_assessment", "pages/egenkontroll.py", "review", ":material/fact_check:"),
    PageDef("verify", "pages/kontrollera_protokoll.py", "review", ":material/verified:"),
    PageDef("annual_report", "pages/bokslut.py", "basis", ":material/analytics:"),
    PageDef("annual_report_import", "pages/bokslut_import.py", "basis", ":material/upload_file:",
            Permission.IMPORT_ANNUAL_REPORT),
    PageDef("clinical_audits", "pages/revisioner.py", "basis", ":material/rule:"),
    PageDef("events", "pages/handelser.py", "basis", ":material/report:"),
    PageDef("users", "pages/anvandare.py", "administration", ":material/group:", Permission.MANAGE_USERS),
    PageDef("templates", "pages/mallar.py", "administration", ":material/description:", Permission.MANAGE_TEMPLATES),
    PageDef("account", "pages/mitt_konto.py", "account", ":material/person:"),
]


def page_def(key: str) -> PageDef:
    """Return the definition of a page by its key."""
    return next(p for p in ALL_PAGES if p.key == key)


def navigation_pages() -> list:
    """Return st.Page objects for every page; the first is the start page."""
    return [st.Page(p.path, title=p.title, icon=p.icon, default=(i == 0)) for i, p in enumerate(ALL_PAGES)]


def allowed(actor: Actor, page: PageDef) -> bool:
    """Tell whether the actor may open the page."""
    return page.permission is None or can(actor, page.permission)


def render_links(actor: Actor) -> None:
    """Show the pages the actor may open, grouped, in the current container."""
    for group, title in GROUPS.items():
        pages = [p for p in ALL_PAGES if p.group == group and allowed(actor, p)]
        if pages:
            st.caption(title.upper())
            for p in pages:
                st.page_link(p.path, label=p.title, icon=p.icon)
