"""Files made only when clicked, whose failure is shown in Swedish like every other error.

Streamlit calls a download's builder on a thread of its own after the click, where nothing can be shown, and
when it fails the browser only says "Failed to generate file for download" for five seconds. So the click also
reruns the page (on_click), the builder notes how it ended, and the rerun waits for that and shows a refusal as it
is, or anything else as an incident with its number, under the button.
"""
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from sqlmodel import Session

from core.errors import REFUSALS
from core.incidents import incident_message, log_incident
from pages._shared.db import deferred
from pages._shared.ui import page_name, plain

WAIT_SECONDS = 60  # a rerun waits at most this long for the file; a later failure shows on the next rerun


@dataclass
class Builds:
    """One download button's builds: clicks, builds ended, the last one's failure, and what the page has said."""
    clicked: int = 0
    ended: int = 0
    waited: int = 0
    reported: int = 0
    failure: str | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)

    def click(self) -> None:
        """Count a click (Streamlit's on_click, at the start of the rerun the click asks for)."""
        with self.changed:
            self.clicked += 1

    def run(self, build: Callable[[], Any], where: str) -> Any:
        """Build the file; on failure note the Swedish message (and log an incident) and let Streamlit see it fail."""
        failure = None
        try:
            return build()
        except REFUSALS as exc:
            failure = f"Filen kunde inte skapas. {plain(exc)}"
            raise
        except Exception as exc:
            failure = incident_message(log_incident(exc, where=where))
            raise
        finally:
            with self.changed:
                self.ended, self.failure = self.ended + 1, failure
                self.changed.notify_all()

    def news(self, timeout: float) -> str | None:
        """Wait (at most timeout) for the builds clicked so far; return a failure not yet reported, once."""
        with self.changed:
            if self.clicked > self.waited:
                self.changed.wait_for(lambda: self.ended >= self.clicked, timeout)
                self.waited = self.clicked
            news = self.failure if self.ended > self.reported else None
            self.reported = self.ended
            return news


def file_download(label: str, build: Callable[[Session], Any], *, key: str, where: Any = st, **options) -> None:
    """Offer a file built (in its own session) only when clicked; say under the button why it could not be built."""
    builds = st.session_state.setdefault(f"builds_{key}", Builds())
    page = page_name()
    make = deferred(build)
    where.download_button(label, data=lambda: builds.run(make, page), key=key, on_click=builds.click, **options)
    failure = builds.news(WAIT_SECONDS)
    if failure:
        where.error(failure, icon=":material/error:")
