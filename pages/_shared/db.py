"""The cached engine (the only cached thing) and a short session per block."""
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st
from sqlmodel import Session

from core import db
from core.config import Settings, load_settings
from core.errors import UserError
from core.startup import startup_problems

T = TypeVar("T")


def settings() -> Settings:
    """Return the current settings (cheap: environment variables and one small file)."""
    return load_settings()


@st.cache_resource(show_spinner=False)
def _engine(url: str):
    """Create one engine per database URL for the whole server process."""
    return db.make_engine(url)


def engine():
    """Return the engine for the configured database."""
    return _engine(settings().database_url)


@contextmanager
def session() -> Iterator[Session]:
    """Open a session for one user action: committed on success, rolled back on error."""
    with db.session_scope(engine()) as s:
        yield s


@st.cache_resource(show_spinner=False)
def _startup_problems(url: str, env: str, key: str, demo: bool) -> list[str]:
    """Check once per process and configuration whether the portal may serve at all."""
    return startup_problems(_engine(url), settings())


def refuse_unsafe_start() -> None:
    """Stop with the reasons when the settings are refused or production is unsafe (default key, demo accounts)."""
    try:
        s = settings()
    except UserError as exc:
        st.error(f"**Portalen startar inte:** {exc}")
        st.stop()
    problems = _startup_problems(s.database_url, s.env, s.cookie_key, s.demo)
    if problems:
        st.error("**Portalen startar inte i drift:**\n\n" + "\n".join(f"- {p}" for p in problems))
        st.stop()


def deferred(build: Callable[[Session], T]) -> Callable[[], T]:
    """Return a no-argument callable that runs build in its own session when called (e.g. a download click).

    The engine is looked up now: Streamlit calls deferred downloads on a thread without the script's context.
    """
    bound = engine()

    def run() -> T:
        with db.session_scope(bound) as s:
            return build(s)
    return run
