"""The command line of docs/spec/cli.md: its commands, Swedish messages and exit statuses."""
import io
import json

from sqlmodel import Session, select

from core import db
from core.cli import main
from core.models import Clinic, User


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_db_upgrade_and_demo_twice(database_url, monkeypatch, capsys):
    from tests.conftest import drop_everything
    drop_everything(db.make_engine(database_url))
    monkeypatch.setenv("STRALPORTAL_DATABASE_URL", database_url)
    assert _run(capsys, "db", "upgrade")[0] == 0
    code, out, _ = _run(capsys, "demo")
    assert code == 0 and "5 kliniker, 10 användare, 2 strålskyddsbokslut och 6 genomgångar tillagda" in out
    code, out, _ = _run(capsys, "demo")
    assert code == 0 and "0 kliniker, 0 användare, 0 strålskyddsbokslut och 0 genomgångar tillagda" in out


def test_clinic_add_and_duplicate(demo_env, capsys):
    code, out, _ = _run(capsys, "clinic", "add", "tand", "--name", "Tandvården", "--modality", "Tandvård")
    assert code == 0 and "TAND (Tandvården)" in out
    code, _, err = _run(capsys, "clinic", "add", "RTG", "--name", "Igen")
    assert code == 2 and "Klinikkod: RTG finns redan" in err
    with Session(db.make_engine(demo_env)) as s:
        assert s.exec(select(Clinic).where(Clinic.code == "TAND")).one().modalities == ["dental"]


def test_user_add_with_password_from_stdin(demo_env, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("ett-langt-losen\n"))
    code, out, _ = _run(capsys, "user", "add", "olle", "--name", "Olle Öst", "--email", "olle@test.se",
                        "--role", "deltagare", "--clinic", "ORT", "--password-stdin")
    assert code == 0 and "Användaren olle (Deltagare) är tillagd" in out


def test_user_add_refusals_exit_2_and_change_nothing(demo_env, capsys):
    code, _, err = _run(capsys, "user", "add", "olle", "--name", "Olle", "--email", "olle-at-test",
                        "--role", "lasare", "--clinic", "XYZ")
    assert code == 2 and "Okänd klinikkod: XYZ" in err
    code, _, err = _run(capsys, "user", "add", "olle", "--name", "Olle", "--email", "olle-at-test",
                        "--role", "lasare", "--clinic", "NM")
    assert code == 2 and "E-post" in err
    with Session(db.make_engine(demo_env)) as s:
        assert s.exec(select(User).where(User.username == "olle")).first() is None


def test_command_line_obeys_the_same_permissions(demo_env, capsys):
    code, _, err = _run(capsys, "--as-user", "anna", "clinic", "add", "NY", "--name", "Ny klinik")
    assert code == 2 and "Du saknar behörighet att lägga till eller ändra kliniker" in err
    code, _, err = _run(capsys, "--as-user", "anna", "user", "add", "x1", "--name", "X", "--email", "x@t.se",
                        "--role", "admin")
    assert code == 2 and "hantera användare" in err
    assert _run(capsys, "--as-user", "strateg", "clinic", "add", "NY", "--name", "Ny klinik")[0] == 0


def test_backup_then_restore_refuses_a_filled_database(demo_env, tmp_path, capsys):
    path = tmp_path / "backup.json"
    code, out, _ = _run(capsys, "backup", "-o", str(path))
    assert code == 0 and json.loads(path.read_text(encoding="utf-8"))["tables"]["clinic"]
    code, _, err = _run(capsys, "restore", str(path))
    assert code == 2 and "Databasen är inte tom" in err


def test_usage_errors_are_swedish_and_exit_2(capsys):
    try:
        main(["user", "add"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "följande argument krävs" in capsys.readouterr().err


def test_serve_refuses_production_with_a_short_key_and_demo_accounts(demo_env, monkeypatch, capsys):
    monkeypatch.setenv("STRALPORTAL_ENV", "production")
    monkeypatch.setenv("STRALPORTAL_COOKIE_KEY", "CHANGE-ME")
    code, _, err = _run(capsys, "serve")
    assert code == 1 and "STRALPORTAL_COOKIE_KEY är för kort" in err and "demokonton" in err


def test_deactivating_the_demo_accounts_lets_production_start_checks_pass(demo_env, monkeypatch, capsys):
    from core.config import load_settings
    from core.startup import startup_problems
    code, out, _ = _run(capsys, "user", "deactivate", "admin", "strateg", "anna", "erik", "nils", "lena", "karin",
                        "per", "lars", "jonas")
    assert code == 0 and "Inaktiverade: admin" in out
    monkeypatch.setenv("STRALPORTAL_ENV", "production")
    monkeypatch.setenv("STRALPORTAL_COOKIE_KEY", "k" * 40)
    assert startup_problems(db.make_engine(demo_env), load_settings()) == []
    code, _, err = _run(capsys, "user", "deactivate", "okand")
    assert code == 2 and "Användaren okand finns inte" in err


def test_backup_and_restore_need_database_rights(demo_env, tmp_path, capsys):
    code, _, err = _run(capsys, "--as-user", "anna", "backup", "-o", str(tmp_path / "b.json"))
    assert code == 2 and "säkerhetskopiera" in err and not (tmp_path / "b.json").exists()
    code, _, err = _run(capsys, "--as-user", "ingen", "backup", "-o", str(tmp_path / "b.json"))
    assert code == 2 and "Användaren ingen finns inte" in err
    assert _run(capsys, "--as-user", "admin", "backup", "-o", str(tmp_path / "b.json"))[0] == 0
    code, _, err = _run(capsys, "backup", "-o", str(tmp_path / "b.json"))
    assert code == 2 and "finns redan" in err
    code, _, err = _run(capsys, "--as-user", "nils", "restore", str(tmp_path / "b.json"))
    assert code == 2 and "säkerhetskopiera" in err


def test_commands_on_a_database_that_is_not_created_say_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STRALPORTAL_DATABASE_URL", f"sqlite:///{tmp_path}/ny.db")
    for argv in (["demo"], ["backup", "-o", str(tmp_path / "b.json")]):
        code, _, err = _run(capsys, *argv)
        assert code == 2 and "stralportal db upgrade" in err
    code, out, _ = _run(capsys, "db", "upgrade")
    assert code == 0 and out.strip() == "Databasen är skapad."


def test_serve_runs_the_packaged_app_with_its_settings_and_links_to_its_own_port(demo_env, monkeypatch, capsys):
    import os

    from core.resources import APP_SCRIPT
    started = {}
    monkeypatch.setenv("STRALPORTAL_BASE_URL", "")  # unset for the portal; restored after the test
    monkeypatch.setattr("os.execv",
                        lambda path, argv: started.update(argv=argv, base=os.environ["STRALPORTAL_BASE_URL"]))
    assert _run(capsys, "serve", "--port", "8765")[0] == 0
    assert started["base"] == "http://localhost:8765"  # calendar files and e-mails link here
    argv = started["argv"]
    assert argv[argv.index("run") + 1] == str(APP_SCRIPT)
    assert {"--server.port=8765", "--client.showSidebarNavigation=false", "--theme.primaryColor=#1f5f8b"} <= set(argv)
    monkeypatch.setenv("STRALPORTAL_BASE_URL", "https://stralportal.sjukhus.se")
    _run(capsys, "serve", "--port", "8766")
    assert started["base"] == "https://stralportal.sjukhus.se"  # a configured address is kept
