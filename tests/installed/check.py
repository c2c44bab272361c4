"""Run by build_and_check.py inside a venv holding only the installed wheel, from an empty folder.

It checks what an installed portal needs: its files come from the package, its data lands in ./data,
`stralportal serve` starts it, documents use the packaged fonts and templates, and a page opens.
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

WORK = Path.cwd()
BIN = Path(sys.executable).parent


def _free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_package_files() -> None:
    """The portal's files are the installed package's, not a source folder's."""
    import core
    from core.resources import APP_SCRIPT, STREAMLIT_CONFIG, TEMPLATES
    for path in (Path(core.__file__), APP_SCRIPT, STREAMLIT_CONFIG, TEMPLATES / "fonts" / "DejaVuSans.ttf",
                 TEMPLATES / "dagordning.yaml", TEMPLATES / "bokslut-mall.xlsx",
                 APP_SCRIPT.parent / "pages" / "mote.py"):
        assert path.is_file() and "site-packages" in str(path), path
    print("Paketets filer: ok")


def check_serve() -> None:
    """`stralportal serve` migrates, loads the demo into ./data and answers on its port."""
    port = _free_port()
    env = dict(os.environ, STRALPORTAL_ENV="development", STRALPORTAL_DEMO="1")  # as `make run` asks
    env.pop("STRALPORTAL_DATABASE_URL", None)
    with (WORK / "serve.log").open("wb") as log:
        server = subprocess.Popen([BIN / "stralportal", "serve", "--port", str(port)], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            for _ in range(600):
                assert server.poll() is None, (WORK / "serve.log").read_text(errors="replace")
                try:
                    if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                raise AssertionError("servern startade inte: " + (WORK / "serve.log").read_text(errors="replace"))
            assert b"<html" in urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read()
        finally:
            server.terminate()
            server.wait(20)
    said = (WORK / "serve.log").read_text(errors="replace")
    assert f"Startar portalen på http://localhost:{port}" in said and "Läser in demodata" in said, said
    assert (WORK / "data" / "stralportal.db").is_file()
    print("stralportal serve i en tom mapp: ok (databasen i ./data)")


def check_documents() -> None:
    """The minutes PDF (packaged fonts) and the bokslut template (packaged workbook) are written."""
    subprocess.run([BIN / "stralportal", "minutes", "pdf", "--clinic", "RTG", "--year", "2025", "-o", "p.pdf"],
                   check=True)
    assert (WORK / "p.pdf").read_bytes().startswith(b"%PDF")
    subprocess.run([BIN / "stralportal", "bokslut", "template", "mall.xlsx"], check=True)
    assert (WORK / "mall.xlsx").stat().st_size > 1000
    bench = subprocess.run([BIN / "stralportal", "bench", "--small"], capture_output=True, text=True)
    assert bench.returncode == 2 and "Mätningarna finns bara i källkoden" in bench.stderr, bench.stderr
    print("Protokoll, mall och bench från det installerade paketet: ok")


def check_a_page() -> None:
    """The installed app opens Översikt and the meeting page for the strateg."""
    from streamlit.testing.v1 import AppTest

    from core.resources import APP_SCRIPT
    os.environ["STRALPORTAL_DATABASE_URL"] = f"sqlite:///{WORK / 'data' / 'stralportal.db'}"
    os.environ["STRALPORTAL_ENV"] = "development"  # the demo's accounts, as `make run` serves them
    os.environ["STRALPORTAL_DATA_DIR"] = str(WORK / "data")  # the login key `serve` made there
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=60)
    for key, value in {"authentication_status": True, "username": "strateg", "name": "Ingrid Strand",
                       "roles": ["strateg"], "email": "ingrid.strand@demosjukhuset.se", "logout": None}.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception and at.title[0].value == "Översikt", [e.value for e in at.exception]
    at.switch_page("pages/bokslut.py").run()
    assert not at.exception and at.title[0].value == "Strålskyddsbokslut"
    print("Sidorna Översikt och Strålskyddsbokslut i det installerade paketet: ok")


if __name__ == "__main__":
    check_package_files()
    check_serve()
    check_documents()
    check_a_page()
    print("Det installerade paketet fungerar.")
