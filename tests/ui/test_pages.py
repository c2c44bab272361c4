"""The pages as users use them: what each role sees, and forms that save or refuse in Swedish."""
from sqlmodel import Session, select

from core import db
from core.models import Clinic, User, UserClinic
from core.security import check_password
from tests.ui.helpers import logged_in, open_page, visible_text


def _form_button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_overview_shows_all_five_clinics_to_the_strateg(demo_env):
    at = open_page(logged_in("strateg"), "pages/oversikt.py")
    at.selectbox(key="_widget_pick_meeting_year").select(2026).run()
    table = at.dataframe[0].value
    assert list(table["Kod"]) == ["KARD", "NM", "ONK", "ORT", "RTG"]
    assert set(table["Bokslut 2025"]) == {"Inläst"}  # the demo's 2025 bokslut
    assert "Demosjukhuset · genomgångar 2026" in visible_text(at)
    at.selectbox(key="_widget_pick_meeting_year").select(2025).run()
    assert set(at.dataframe[0].value["Bokslut 2024"]) == {"Inläst"}


def test_clinic_users_see_only_their_own_clinics(demo_env):
    for username, codes in {"nils": ["RTG"], "karin": ["NM"], "lena": ["NM", "RTG"]}.items():
        overview = open_page(logged_in(username), "pages/oversikt.py")
        assert list(overview.dataframe[0].value["Kod"]) == codes
        clinics = open_page(logged_in(username), "pages/kliniker.py")
        assert list(clinics.dataframe[0].value["Klinikkod"]) == codes
        assert not clinics.tabs  # no add or edit forms for clinic roles


def test_add_clinic_through_the_form(demo_env):
    at = open_page(logged_in("strateg"), "pages/kliniker.py")
    at.text_input(key="add_0_code").input("tand")
    at.text_input(key="add_0_name").input("Tandvårdskliniken")
    at.get("button_group")[0].set_value(["dental"])
    _form_button(at, "Lägg till klinik").click().run()
    assert "Kliniken TAND (Tandvårdskliniken) är tillagd." in visible_text(at)
    assert "TAND" in list(at.dataframe[0].value["Klinikkod"])
    assert at.text_input(key="add_1_code").value == ""  # the form is empty for the next clinic


def test_duplicate_clinic_is_refused_and_what_was_typed_stays(demo_env):
    at = open_page(logged_in("admin"), "pages/kliniker.py")
    at.text_input(key="add_0_code").input("RTG")
    at.text_input(key="add_0_name").input("Andra röntgen")
    _form_button(at, "Lägg till klinik").click().run()
    assert "Klinikkod: RTG finns redan." in at.error[0].value
    assert at.text_input(key="add_0_name").value == "Andra röntgen"
    with Session(db.make_engine(demo_env)) as s:
        assert len(s.exec(select(Clinic)).all()) == 5


def test_edit_clinic_key_people(demo_env):
    at = open_page(logged_in("admin"), "pages/kliniker.py")
    with Session(db.make_engine(demo_env)) as s:
        kard = s.exec(select(Clinic).where(Clinic.code == "KARD")).one()
    prefix = f"edit_{kard.id}_{kard.version}"
    at.text_input(key=f"{prefix}_protection_officer_name").input("Tove Ahlström")
    _form_button(at, "Spara ändringar").click().run()
    assert "Ändringarna för KARD är sparade." in visible_text(at)
    with Session(db.make_engine(demo_env)) as s:
        assert s.get(Clinic, kard.id).protection_officer_name == "Tove Ahlström"


def test_admin_adds_a_user_and_a_bad_email_is_refused(demo_env):
    at = open_page(logged_in("admin"), "pages/anvandare.py")
    at.text_input(key="add_0_username").input("sofia")
    at.text_input(key="add_0_name").input("Sofia Åkesson")
    at.text_input(key="add_0_email").input("sofia(at)demosjukhuset.se")
    at.text_input(key="add_0_password").input("strålning-2026")
    at.selectbox(key="add_0_role").select("samordnare")
    _form_button(at, "Lägg till användare").click().run()
    errors = at.error[0].value
    assert "E-post:" in errors and "Kliniker: rollen Strålsäkerhetssamordnare" in errors
    engine = db.make_engine(demo_env)
    with Session(engine) as s:
        assert s.exec(select(User).where(User.username == "sofia")).first() is None
        nm = s.exec(select(Clinic).where(Clinic.code == "NM")).one()
    at.text_input(key="add_0_email").input("sofia@demosjukhuset.se")
    at.multiselect(key="add_0_clinics").select(nm.id)
    _form_button(at, "Lägg till användare").click().run()
    assert "Användaren sofia är tillagd." in visible_text(at)
    with Session(engine) as s:
        sofia = s.exec(select(User).where(User.username == "sofia")).one()
        assert s.exec(select(UserClinic.clinic_id).where(UserClinic.user_id == sofia.id)).all() == [nm.id]


def test_change_own_password(demo_env):
    at = open_page(logged_in("nils"), "pages/mitt_konto.py")
    at.text_input[0].input("demo1234")
    at.text_input[1].input("mitt-nya-losen")
    at.text_input[2].input("mitt-nya-losen")
    _form_button(at, "Byt lösenord").click().run()
    assert "Ditt lösenord är bytt." in visible_text(at)
    with Session(db.make_engine(demo_env)) as s:
        assert check_password("mitt-nya-losen", s.exec(select(User).where(User.username == "nils")).one().password_hash)


def test_user_without_a_clinic_gets_a_clear_message(demo_env):
    with Session(db.make_engine(demo_env)) as s:
        nils = s.exec(select(User).where(User.username == "nils")).one()
        for link in s.exec(select(UserClinic).where(UserClinic.user_id == nils.id)).all():
            s.delete(link)
        s.commit()
    at = open_page(logged_in("nils"), "pages/oversikt.py")
    assert "inte kopplat till någon klinik" in at.warning[0].value
    assert not at.dataframe


def test_my_dates_are_offered_only_to_those_who_have_dates(demo_env):
    def offered(username: str) -> bool:
        at = open_page(logged_in(username), "pages/oversikt.py")
        return any("Mina datum" in b.proto.label for b in at.get("download_button"))
    assert offered("anna")  # owns an open action with a due date
    assert not offered("strateg")  # owns none: no empty calendar file
