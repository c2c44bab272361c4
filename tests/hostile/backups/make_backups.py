"""Write the hostile backups in this folder: a small valid backup, and copies with exactly one thing broken.

Run from the project folder: .venv/bin/python -m tests.hostile.backups.make_backups
"""
import base64
import copy
import hashlib
import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from core import backup, db, history
from core.models import (
    Clinic,
    Document,
    HistoryEntry,
    MinutesVersion,
    Organisation,
    Review,
    Signature,
    User,
    UserClinic,
)
from core.services._integrity import content_hash

FOLDER = Path(__file__).resolve().parent
AT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.4 protokoll"
CONTENT = {"number": "RTG 1/2026"}
OTHER_PDF = b"%PDF-1.4 annat protokoll"
ATTACHMENT = b"%PDF-1.4 bilaga"


def _valid() -> dict:
    """Return the backup of a small database: a clinic, a user, a review with an attachment and approved minutes."""
    url = f"sqlite:///{tempfile.mkdtemp()}/grund.db"
    db.upgrade(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as s, history.unrecorded(s):  # rows as a backup holds them, no one's change
        s.add(Organisation(id=1, name="Testsjukhuset", created_at=AT))
        s.flush()
        s.add(Clinic(id=1, organisation_id=1, code="RTG", name="Röntgenkliniken", modalities=["xray"]))
        s.add(User(id=1, username="anna", name="Anna Berg", email="anna@test.se", role="verksamhetschef",
                   password_hash="$2b$12$" + "x" * 53, created_at=AT))
        s.flush()
        s.add(UserClinic(user_id=1, clinic_id=1))
        s.add(Review(id=1, clinic_id=1, year=2026, meeting_date=date(2026, 3, 12), status="approved",
                     approved_at=AT, created_at=AT, created_by_id=1))
        s.flush()
        s.add(Signature(id=1, review_id=1, user_id=1, role="chair", minutes_version=1, signed_at=AT,
                        content_sha256=content_hash(CONTENT)))
        s.add(HistoryEntry(id=1, at=AT, user_id=1, actor_name="Anna Berg", entity="Review", entity_id=1,
                           operation="approve", clinic_id=1, review_id=1, old_values={"status": "approval"},
                           new_values={"status": "approved", "pdf_sha256": hashlib.sha256(PDF).hexdigest()}))
        s.add(Document(id=1, review_id=1, kind="attachment", filename="bilaga.pdf", media_type="application/pdf",
                       size=len(ATTACHMENT), sha256=hashlib.sha256(ATTACHMENT).hexdigest(), content=ATTACHMENT,
                       uploaded_at=AT, uploaded_by_id=1))
        s.add(MinutesVersion(id=1, review_id=1, version=1, content=CONTENT, content_sha256=content_hash(CONTENT),
                             frozen_at=AT, approved_at=AT, pdf=PDF, pdf_sha256=hashlib.sha256(PDF).hexdigest()))
    document = backup.backup(engine)
    engine.dispose()
    return document


def _broken(valid: dict, change) -> dict:
    """Return a copy of the valid backup with one change applied to its tables."""
    document = copy.deepcopy(valid)
    change(document["tables"])
    return document


def _cases(valid: dict) -> dict[str, dict | str]:
    """Name each hostile backup and say how it is broken."""
    def row(table: str):
        return lambda t: t[table][0]
    return {
        "giltig-grund.json": valid,
        "trasig-json.json": json.dumps(valid)[:200],
        "inte-en-sakerhetskopia.json": {"format": "excel-export", "tables": valid["tables"]},
        "annan-databasversion.json": {**valid, "schema": "0001_domain_model"},
        "tabeller-saknas.json": {"format": valid["format"], "schema": valid["schema"]},
        "okand-tabell.json": _broken(valid, lambda t: t.update(hemligheter=[{"id": 1}])),
        "okand-kolumn.json": _broken(valid, lambda t: row("user")(t).update(is_superuser=True)),
        "rad-ar-inte-ett-objekt.json": _broken(valid, lambda t: t.update(organisation=["Testsjukhuset"])),
        "okand-roll.json": _broken(valid, lambda t: row("user")(t).update(role="superadmin")),
        "okand-status.json": _broken(valid, lambda t: row("review")(t).update(status="avslutad")),
        "okand-modalitet.json": _broken(valid, lambda t: row("clinic")(t).update(modalities=["xray", "mr"])),
        "fel-typ-heltal.json": _broken(valid, lambda t: row("clinic")(t).update(version="1")),
        "fel-typ-sant-falskt.json": _broken(valid, lambda t: row("user")(t).update(active="ja")),
        "ogiltigt-datum.json": _broken(valid, lambda t: row("review")(t).update(meeting_date="2026-02-30")),
        "saknat-varde.json": _broken(valid, lambda t: row("user")(t).update(username=None)),
        "for-lang-text.json": _broken(valid, lambda t: row("clinic")(t).update(code="R" * 25)),
        "bilaga-fel-kontrollsumma.json": _broken(valid, lambda t: row("document")(t).update(
            content=base64.b64encode(b"%PDF-1.4 utbytt bilaga").decode(), size=22)),
        "bilaga-ogiltig-base64.json": _broken(valid, lambda t: row("document")(t).update(content="inte base64!")),
        "protokoll-pdf-fel-kontrollsumma.json": _broken(valid, lambda t: row("minutesversion")(t).update(
            pdf_sha256=hashlib.sha256(b"ett annat protokoll").hexdigest())),
        "protokoll-andrat-innehall.json": _broken(valid, lambda t: row("minutesversion")(t).update(
            content={"number": "RTG 1/2026", "beslut": "inget"})),
        "protokoll-pdf-och-kontrollsumma-utbytta.json": _broken(valid, lambda t: row("minutesversion")(t).update(
            pdf=base64.b64encode(OTHER_PDF).decode(), pdf_sha256=hashlib.sha256(OTHER_PDF).hexdigest())),
        "justering-annan-kontrollsumma.json": _broken(valid, lambda t: row("signature")(t).update(
            content_sha256="f" * 64)),
        "protokoll-utan-justeringstid.json": _broken(
            valid, lambda t: row("minutesversion")(t).update(approved_at=None)),
        "justerad-utan-protokoll.json": _broken(valid, lambda t: t.update(minutesversion=[])),
        "historik-andrad-post.json": _broken(valid, lambda t: row("historyentry")(t).update(
            old_values={"status": "meeting"})),
        "historik-borttagen-post.json": _broken(valid, lambda t: t.update(historyentry=[])),
        "saknad-hanvisning.json": _broken(valid, lambda t: row("userclinic")(t).update(clinic_id=99)),
        "dubbelt-id.json": _broken(valid, lambda t: t["organisation"].append({**t["organisation"][0],
                                                                              "name": "Annat sjukhus"})),
        "dubbel-klinikkod.json": _broken(valid, lambda t: t["clinic"].append({**t["clinic"][0], "id": 2,
                                                                             "name": "Röntgen igen"})),
    }


def main() -> None:
    """Write every case as a file in this folder."""
    for name, document in _cases(_valid()).items():
        text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False, indent=1)
        (FOLDER / name).write_text(text + "\n", encoding="utf-8")
        print(name)


if __name__ == "__main__":
    main()
