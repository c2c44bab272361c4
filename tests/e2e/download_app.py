"""A page for tests/e2e/test_hostile_text.py: three downloads made on the click, one refused, one broken, one fine."""
from core.errors import UserError
from pages._shared.downloads import file_download
from pages._shared.ui import apply_style


def refused(session):
    """Refuse as a service does."""
    raise UserError("Protokollet kan inte skapas: genomgången finns inte längre.")


def broken(session):
    """Fail as nobody expected."""
    raise RuntimeError("typsnittet saknas")


def fine(session):
    """Make a small file."""
    return b"innehall"


apply_style()
file_download("Vägrad fil", refused, key="refused", file_name="vagrad.pdf", mime="application/pdf")
file_download("Trasig fil", broken, key="broken", file_name="trasig.pdf", mime="application/pdf")
file_download("Fungerande fil", fine, key="fine", file_name="fin.txt", mime="text/plain")
