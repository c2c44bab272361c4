"""No default secret: nothing that opens the portal (startkod, login cookie) can be computed from the repository."""
import hashlib
import hmac
import os
import stat
import threading
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import inspect
from sqlmodel import Session, func, select

from core import db, local_secrets
from core.cli import main
from core.config import Settings, load_settings
from core.errors import InvalidInput
from core.files import create_private_file
from core.models import HistoryEntry, Organisation, User
from core.serve import is_loopback
from core.services import setup
from core.startup import prepare
from tests.conftest import drop_everything
from tests.factories import NOW

# What the portal shipped until issue 24: anyone could read it in core/config.py.
OLD_DEVELOPMENT_KEY = "stralportal-utvecklingsnyckel-far-aldrig-anvandas-i-drift"
ORGANISATION = {"name": "Stulen portal", "licence_holder": "Region Norrby", "licence_number": "SSM2024-0099"}
INTRUDER = {"username": "inkraktare", "name": "In Kräktare", "email": "in@example.se", "password": "ett-langt-losenord"}


def _old_way_code() -> str:
    """Compute the startkod as the old setup_code did: an HMAC of the shipped development key."""
    digest = hmac.new(OLD_DEVELOPMENT_KEY.encode(), b"stralportal-forsta-start", hashlib.sha256).hexdigest()
    return "-".join(digest[i:i + 4] for i in range(0, 12, 4)).upper()


def _counts(engine) -> tuple[int, int, int]:
    """Return how many organisations, users and history entries the database holds."""
    with Session(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(m)).one() for m in (Organisation, User, HistoryEntry))


def _claim(engine, settings: Settings, code: str, now=NOW) -> None:
    """Try the first run with a code, as the first-run page does."""
    with db.session_scope(engine) as s:
        setup.set_up_with_code(s, actor=setup.FIRST_RUN_ACTOR, code=code, settings=settings,
                               organisation=ORGANISATION, admin=INTRUDER, now=now)


@pytest.fixture
def empty(database_url, monkeypatch, tmp_path):
    """A migrated, empty database that `serve` would start on, with its own data folder; yields the engine."""
    drop_everything(db.make_engine(database_url))
    db.upgrade(database_url)
    monkeypatch.setenv("STRALPORTAL_DATABASE_URL", database_url)
    monkeypatch.setenv("STRALPORTAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("STRALPORTAL_ENV", raising=False)
    monkeypatch.delenv("STRALPORTAL_COOKIE_KEY", raising=False)
    monkeypatch.setenv("STRALPORTAL_DEMO", "0")
    monkeypatch.setenv("STRALPORTAL_BASE_URL", "")  # serve sets it for the server; restored after the test
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()


def _start(settings: Settings) -> str:
    """Run what `stralportal serve` runs before the server, and return the startkod it printed."""
    said: list[str] = []
    prepare(settings, say=said.append)
    line = next(text for text in said if "startkoden" in text)
    return line.split("startkoden ")[1].split(" ")[0]


def test_the_code_computed_the_old_way_is_refused_and_nothing_changes(empty):
    settings = load_settings()
    _start(settings)
    before = _counts(empty)
    with pytest.raises(InvalidInput, match="Startkod: koden stämmer inte"):
        _claim(empty, settings, _old_way_code())
    assert _counts(empty) == before == (0, 0, 0)


def test_two_starts_give_different_codes_and_only_the_latest_opens(empty):
    settings = load_settings()
    first, second = _start(settings), _start(settings)
    assert first != second and len(first.replace("-", "")) == 16
    with pytest.raises(InvalidInput, match="Startkod: koden stämmer inte"):
        _claim(empty, settings, first)
    assert _counts(empty) == (0, 0, 0)
    assert str(second) not in (local_secrets.cookie_key_path(settings).parent / "startkod.json").read_text()
    _claim(empty, settings, second)
    assert _counts(empty)[:2] == (1, 1)


def test_an_expired_code_is_refused_and_nothing_changes(empty):
    settings = load_settings()
    code = local_secrets.new_setup_code(settings, now=NOW)
    later = NOW + timedelta(hours=local_secrets.SETUP_CODE_HOURS)
    with pytest.raises(InvalidInput, match=r"Startkod: koden har gått ut \(den gäller i 24 timmar\)"):
        _claim(empty, settings, code, now=later)
    assert _counts(empty) == (0, 0, 0)
    _claim(empty, settings, code, now=later - timedelta(minutes=1))  # still valid a minute before
    assert _counts(empty)[:2] == (1, 1)


def test_a_used_code_is_refused_even_on_an_emptied_database(empty, database_url):
    settings = load_settings()
    code = local_secrets.new_setup_code(settings, now=NOW)
    _claim(empty, settings, code)
    drop_everything(empty)
    db.upgrade(database_url)
    with pytest.raises(InvalidInput, match="Startkod: ingen giltig startkod finns. Starta om portalen"):
        _claim(empty, settings, code)
    assert _counts(empty) == (0, 0, 0)


def test_the_attempts_are_limited_then_even_the_right_code_is_refused(empty):
    settings = load_settings()
    code = local_secrets.new_setup_code(settings, now=NOW)
    for _ in range(local_secrets.SETUP_CODE_ATTEMPTS):
        with pytest.raises(InvalidInput, match="Startkod: koden stämmer inte"):
            _claim(empty, settings, "AAAA-AAAA-AAAA-AAAA")
    with pytest.raises(InvalidInput, match="Startkod: för många felaktiga försök"):
        _claim(empty, settings, code)
    assert _counts(empty) == (0, 0, 0)


def test_without_a_start_there_is_no_code_at_all(empty):
    with pytest.raises(InvalidInput, match="Startkod: ingen giltig startkod finns"):
        _claim(empty, load_settings(), _old_way_code())
    assert _counts(empty) == (0, 0, 0)


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.10", "::", "stralportal.sjukhus.se"])
def test_serve_in_development_on_another_address_than_loopback_refuses(empty, monkeypatch, capsys, address):
    monkeypatch.setenv("STRALPORTAL_ENV", "development")
    monkeypatch.setattr("os.execv", lambda *_: pytest.fail("the server must not start"))
    drop_everything(empty)  # serve would migrate first if it went on
    assert main(["serve", "--address", address]) == 2
    err = capsys.readouterr().err
    assert "utvecklingsläget (STRALPORTAL_ENV=development) lyssnar bara på den egna datorn" in err
    assert f"inte på {address}" in err and "Traceback" not in err
    assert not (load_settings().data_dir / local_secrets.COOKIE_KEY_FILE).exists()
    assert not inspect(empty).has_table("organisation")


def test_only_loopback_counts_as_this_computer():
    assert all(is_loopback(a) for a in ("127.0.0.1", "127.0.1.1", "::1", "[::1]", "localhost", "LOCALHOST"))
    assert not any(is_loopback(a) for a in ("0.0.0.0", "::", "10.0.0.5", "localhost.example.se", ""))


def test_serve_in_production_on_every_address_starts_with_a_key_of_its_own(empty, monkeypatch, capsys):
    started = {}
    monkeypatch.setattr("os.execv", lambda path, argv: started.update(argv=argv))
    assert main(["serve", "--address", "0.0.0.0", "--port", "8709"]) == 0
    out = capsys.readouterr().out
    assert "--server.address=0.0.0.0" in started["argv"] and "startkoden" in out
    assert _old_way_code() not in out


def test_the_generated_key_is_private_reused_and_not_the_old_one(empty):
    settings = load_settings()
    assert settings.cookie_key is None  # nothing configured, nothing shipped
    key = local_secrets.cookie_key(settings)
    path = local_secrets.cookie_key_path(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) >= 32 and key != OLD_DEVELOPMENT_KEY
    _start(settings)
    _start(settings)
    assert local_secrets.cookie_key(load_settings()) == key  # kept across starts
    assert local_secrets.cookie_key(Settings(data_dir=path.parent.parent / "annan")) != key  # drawn, not derived


def test_a_cookie_signed_with_the_old_key_does_not_decode(empty):
    forged = jwt.encode({"username": "admin", "exp_date": 9e9}, OLD_DEVELOPMENT_KEY, algorithm="HS256")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, local_secrets.cookie_key(load_settings()), algorithms=["HS256"])


def test_a_key_others_can_read_stops_the_start(empty, capsys):
    settings = load_settings()
    local_secrets.cookie_key(settings)
    os.chmod(local_secrets.cookie_key_path(settings), 0o644)
    assert main(["serve"]) == 1
    assert "kan läsas av andra än portalens användare" in capsys.readouterr().err


def test_two_processes_creating_the_key_at_once_agree_on_one(tmp_path):
    path, made, start = tmp_path / "nyckel", [], threading.Barrier(8)

    def create(n: int) -> None:
        start.wait()
        made.append(create_private_file(path, f"nyckel-{n}".encode()))

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert made.count(True) == 1 and path.read_text().startswith("nyckel-")
    assert [p.name for p in tmp_path.iterdir()] == ["nyckel"]  # no temporary file left behind
