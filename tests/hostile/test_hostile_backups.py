"""Hostile backups: `stralportal restore` refuses each one in Swedish, naming what is wrong, and writes nothing.

The files are made by tests/hostile/backups/make_backups.py. Each is stamped with the database's current schema
revision before the restore (except the one whose revision is the defect), so a new migration does not hide a case.
"""
import json
from pathlib import Path

import pytest

from core import backup, db
from core.cli import main
from tests.conftest import drop_everything

FOLDER = Path(__file__).resolve().parent / "backups"
NOT_STAMPED = {"trasig-json.json", "annan-databasversion.json", "inte-en-sakerhetskopia.json"}
REFUSALS = {
    "trasig-json.json": "är inte en säkerhetskopia från Strålsäkerhetsportalen (inte giltig JSON)",
    "inte-en-sakerhetskopia.json": "är inte en säkerhetskopia från Strålsäkerhetsportalen",
    "annan-databasversion.json": "Säkerhetskopian har databasversion 0001_domain_model",
    "tabeller-saknas.json": "Säkerhetskopian saknar tabellerna",
    "okand-tabell.json": "Okänd tabell hemligheter i säkerhetskopian.",
    "okand-kolumn.json": "Tabellen user, rad 1 (id 1): okänd kolumn is_superuser.",
    "rad-ar-inte-ett-objekt.json": "Tabellen organisation, rad 1: raden ska vara ett objekt med kolumnnamn och värden.",
    "okand-roll.json": "Tabellen user, rad 1 (id 1), kolumnen role: okänt värde \"superadmin\" (tillåtna: admin, "
                       "strateg, verksamhetschef, samordnare, deltagare, lasare).",
    "okand-status.json": "Tabellen review, rad 1 (id 1), kolumnen status: okänt värde \"avslutad\"",
    "okand-modalitet.json": "Tabellen clinic, rad 1 (id 1), kolumnen modalities: okänt värde \"mr\"",
    "fel-typ-heltal.json": "Tabellen clinic, rad 1 (id 1), kolumnen version: ska vara ett heltal, inte '1'.",
    "fel-typ-sant-falskt.json": "Tabellen user, rad 1 (id 1), kolumnen active: ska vara true eller false, inte 'ja'.",
    "ogiltigt-datum.json": "Tabellen review, rad 1 (id 1), kolumnen meeting_date: \"2026-02-30\" är inte ett datum",
    "saknat-varde.json": "Tabellen user, rad 1 (id 1), kolumnen username: värde saknas.",
    "for-lang-text.json": "Tabellen clinic, rad 1 (id 1), kolumnen code: texten är 25 tecken, högst 20 får plats.",
    "bilaga-fel-kontrollsumma.json": "Tabellen document, rad 1 (id 1): filen bilaga.pdf stämmer inte med sin "
                                     "kontrollsumma (SHA-256).",
    "bilaga-ogiltig-base64.json": "Tabellen document, rad 1 (id 1), kolumnen content: är inte giltig base64.",
    "protokoll-pdf-fel-kontrollsumma.json": "Tabellen minutesversion, rad 1 (id 1): protokollets PDF stämmer inte "
                                            "med sin kontrollsumma (SHA-256).",
    "saknad-hanvisning.json": "Tabellen userclinic, rad 1, kolumnen clinic_id: hänvisar till clinic id 99, som inte "
                              "finns i säkerhetskopian.",
    "dubbelt-id.json": "Tabellen organisation, rad 2 (id 1): nyckeln 1 finns två gånger.",
    "dubbel-klinikkod.json": "databasen godtog inte innehållet",
    "protokoll-andrat-innehall.json": "Tabellen minutesversion (id 1, genomgång 1, version 1): innehållet stämmer "
                                      "inte med sin kontrollsumma (SHA-256).",
    "protokoll-pdf-och-kontrollsumma-utbytta.json": "Tabellen minutesversion (id 1, genomgång 1, version 1): "
                                                    "PDF-filen är inte den som lagrades vid justeringen",
    "justering-annan-kontrollsumma.json": "en justering (chair) anger en annan kontrollsumma än innehållets",
    "protokoll-utan-justeringstid.json": "versionen har en justerad PDF eller är återöppnad men saknar tidpunkt",
    "justerad-utan-protokoll.json": "Tabellen review (id 1): genomgången är justerad men dess justerade protokoll "
                                    "(version 1) finns inte i säkerhetskopian.",
    "historik-andrad-post.json": "Ändringshistoriken i säkerhetskopian är bruten. Post 1 (nr 1, 2026-03-10 10:00, "
                                 "Anna Berg, Genomgång 1) har ändrats efter att den skrevs.",
    "historik-borttagen-post.json": "Ändringshistoriken i säkerhetskopian är bruten. Posten nr 1 i slutet av "
                                    "historiken har tagits bort.",
}


@pytest.fixture
def empty_db(database_url, monkeypatch) -> str:
    """Return the URL of a migrated, empty database that the command line uses."""
    drop_everything(db.make_engine(database_url))
    db.upgrade(database_url)
    monkeypatch.setenv("STRALPORTAL_DATABASE_URL", database_url)
    return database_url


def _file_for_restore(name: str, engine, tmp_path: Path) -> Path:
    """Return the hostile file, stamped with the database's schema revision unless that is its defect."""
    if name in NOT_STAMPED:
        return FOLDER / name
    document = json.loads((FOLDER / name).read_text(encoding="utf-8"))
    document["schema"] = backup.schema_revision(engine)
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _restore(capsys, path: Path) -> tuple[int, str]:
    """Run `stralportal restore` and return its exit status and what it wrote to stderr."""
    code = main(["restore", str(path)])
    return code, capsys.readouterr().err


def test_every_hostile_backup_has_a_case():
    assert {p.name for p in FOLDER.glob("*.json")} == set(REFUSALS) | {"giltig-grund.json"}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_hostile_backup_is_refused_in_swedish_and_nothing_is_written(name, empty_db, tmp_path, capsys):
    engine = db.make_engine(empty_db)
    before = (backup.schema_revision(engine), backup.backup(engine))
    code, err = _restore(capsys, _file_for_restore(name, engine, tmp_path))
    assert code == 2 and REFUSALS[name] in err and "Traceback" not in err
    assert (backup.schema_revision(engine), backup.backup(engine)) == before
    assert not any(before[1]["tables"].values())
    engine.dispose()


def test_the_valid_backup_they_are_made_from_restores(empty_db, tmp_path, capsys):
    engine = db.make_engine(empty_db)
    code = main(["restore", str(_file_for_restore("giltig-grund.json", engine, tmp_path))])
    assert code == 0 and "Återställt 10 rader" in capsys.readouterr().out  # the history's chain head is one
    assert backup.backup(engine)["tables"]["document"][0]["filename"] == "bilaga.pdf"
    engine.dispose()
