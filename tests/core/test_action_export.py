"""The action plan export: exactly the columns and CSV form of docs/spec/cli.md, real dates in XLSX."""
import io
from datetime import date, datetime

from openpyxl import load_workbook

from tests.core.test_cli import _run

SPEC_COLUMNS = ["Klinik", "Genomgång", "Nr", "Åtgärd", "Beskrivning", "Brist", "Ansvarig", "Klart senast",
                "Prioritet", "Status", "Försenad", "Senast uppföljd", "Kommentar"]


def test_csv_is_utf8_with_bom_semicolons_and_iso_dates(demo_env, tmp_path, capsys):
    path = tmp_path / "plan.csv"
    code, out, _ = _run(capsys, "actions", "export", "-o", str(path))
    assert code == 0 and "14 åtgärder" in out
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].split(";") == SPEC_COLUMNS
    rtg = next(line.split(";") for line in lines if "Revidera rutinen för berättigande" in line)
    assert rtg[:3] == ["RTG", "2025", "1"] and rtg[5] == "B-2024-01" and rtg[7] == "2025-06-30"
    assert rtg[9] == "Klar" and rtg[10] == "Nej"


def test_xlsx_has_header_filter_and_real_dates_and_filters_apply(demo_env, tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    code, out, _ = _run(capsys, "actions", "export", "--clinic", "RTG", "--open", "-o", str(path))
    assert code == 0 and "2 åtgärder" in out
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    assert [c.value for c in sheet[1]] == SPEC_COLUMNS and sheet["A1"].font.bold
    assert sheet.auto_filter.ref.startswith("A1:M")
    assert all(isinstance(sheet.cell(row=r, column=8).value, (date, datetime)) for r in (2, 3))
    assert {sheet.cell(row=r, column=10).value for r in (2, 3)} <= {"Pågår", "Ej påbörjad"}


def test_export_obeys_permissions(demo_env, tmp_path, capsys):
    path = tmp_path / "nm.csv"
    assert _run(capsys, "--as-user", "karin", "actions", "export", "-o", str(path))[0] == 0
    codes = {line.split(";")[0] for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert codes == {"NM"}


def test_archive_lists_every_file_with_its_checksum(demo_env, tmp_path, capsys):
    import hashlib
    import json
    import zipfile
    path = tmp_path / "arkiv.zip"
    code, _, _ = _run(capsys, "archive", "--clinic", "RTG", "--year", "2025", "-o", str(path))
    assert code == 0
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = {f["namn"] for f in manifest["filer"]}
        assert names == {"protokoll-RTG-2025-v1.pdf", "protokoll-RTG-2025-v1.json", "sigillets-certifikat.pem",
                         "åtgärdsplan-RTG.xlsx", "strålskyddsbokslut-2024-RTG.xlsx"}
        for entry in manifest["filer"]:
            assert hashlib.sha256(archive.read(entry["namn"])).hexdigest() == entry["sha256"]
    assert manifest["status"] == "Justerad"
    code, _, err = _run(capsys, "--as-user", "karin", "archive", "--clinic", "RTG", "--year", "2025", "-o",
                        str(tmp_path / "x.zip"))
    assert code == 2 and "behörighet" in err
