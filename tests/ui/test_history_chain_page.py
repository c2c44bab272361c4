"""Genomgång: the administrator checks on request that the whole change history's hash chain holds."""
from sqlalchemy import text

from core import db
from tests.ui.helpers import logged_in, open_page

LABEL = "Kontrollera hela ändringshistoriken"


def _review_2025(username: str):
    at = open_page(logged_in(username), "pages/genomgang.py")
    return at.selectbox(key="_widget_pick_meeting_year").select(2025).run()


def test_the_administrator_sees_the_chain_whole_and_then_the_first_break(demo_env):
    at = _review_2025("admin")
    next(b for b in at.button if b.label == LABEL).click().run()
    assert not at.exception
    assert [m.value for m in at.success if "Ändringshistoriken" in m.value][0].startswith(
        "Ändringshistoriken är obruten: ")
    engine = db.make_engine(demo_env)
    with engine.begin() as conn:
        entry_id = conn.execute(text("SELECT id FROM historyentry WHERE chain_seq = 3")).scalar_one()
        conn.execute(text("DELETE FROM historyentry WHERE id = :id"), {"id": entry_id})
    engine.dispose()
    next(b for b in at.button if b.label == LABEL).click().run()
    assert [m.value for m in at.error][-1].startswith("Ändringshistoriken är bruten. Posten nr 3 har tagits bort")


def test_no_one_else_is_offered_the_check(demo_env):
    for username in ("strateg", "anna", "erik"):
        at = _review_2025(username)
        assert LABEL not in [b.label for b in at.button], username
