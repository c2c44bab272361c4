"""Egenkontroll in a real browser: open the page and save an area as a user does; print seconds as JSON.

Run as: python -m benchmarks.browser DATABASE_URL USERNAME PASSWORD CLINIC_CODE YEAR RUNS

A server (`streamlit run app.py`, as `stralportal serve` starts it) and Debian's Chromium run on this machine; a
click is timed until the page's run has finished and the browser has drawn what it sent: the whole round trip a
user waits for, which AppTest (benchmarks/page_timer.py) does not see. The floor is Mitt konto opened the same
way, the lightest page: what any click costs here. Each figure is the median of RUNS; the first of each is untimed.
"""
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.process import PROJECT_DIR

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
# Count the runs the server finished (ForwardMsg field 6, script_finished, other than 2 = stopped for a rerun).
FINISHED = """
(() => {
  window.__finished = 0;
  const varint = (b, i) => { let v = 0, s = 0, x; do { x = b[i++]; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
                             return [v, i]; };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        const b = new Uint8Array(event.data);
        let i = 0;
        while (i < b.length) {
          let key; [key, i] = varint(b, i);
          const wire = key % 8, field = Math.floor(key / 8);
          if (wire === 0) { let v; [v, i] = varint(b, i); if (field === 6 && v !== 2) window.__finished += 1; }
          else if (wire === 2) { let n; [n, i] = varint(b, i); i += n; }
          else if (wire === 1 || wire === 5) i += wire === 1 ? 8 : 4;
          else break;
        }
      });
    }
  };
})();
"""
DRAWN = "n => window.__finished > n && !document.querySelector('[data-stale=\"true\"]')"


def _server(url: str) -> tuple[subprocess.Popen, str]:
    """Start the portal on a free port; return the process and its address once it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "STRALPORTAL_DATABASE_URL": url, "STRALPORTAL_ENV": "development", "STRALPORTAL_DEMO": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", f"--server.port={port}",
                             "--server.address=127.0.0.1", "--server.headless=true"], cwd=PROJECT_DIR, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).read() == b"ok":
                return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise TimeoutError("Servern startade inte.")


def _quiet(page) -> None:
    """Wait (untimed) until no run has finished for a second: a click during a run, e.g. the login cookie's, is lost."""
    while True:
        seen = page.evaluate("window.__finished")
        time.sleep(1)
        if page.evaluate("window.__finished") == seen and not page.locator("[data-stale='true']").count():
            return


def _timed(page, action, text: str) -> float:
    """Do action; return the seconds until the run it caused has finished and text is drawn."""
    _quiet(page)
    before = page.evaluate("window.__finished")
    start = time.perf_counter()
    action()
    page.wait_for_function(DRAWN, arg=before, timeout=120_000)
    _shown(page, text)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")  # painted
    return time.perf_counter() - start


def _shown(page, text: str) -> None:
    """Wait until text is on the screen (innerText leaves out what is hidden)."""
    page.wait_for_function("t => document.body.innerText.includes(t)", arg=text, timeout=120_000)


def _open(page, title: str, text: str) -> float:
    """Open a page from the sidebar's link, as a click does."""
    return _timed(page, lambda: page.get_by_role("link", name=title, exact=True).first.click(), text)


def _first_area_open(page) -> None:
    """Open the first area if it is closed (untimed; the page before lazy areas closed it on every save)."""
    if not page.evaluate("document.body.innerText.includes('Spara området')"):
        _quiet(page)
        page.locator("[data-testid='stExpander'] summary").first.click()  # a rerun only if built lazily
        _shown(page, "Spara området")


def _save_area(page, level: int) -> float:
    """Set the open area's first criterion to level and save the area."""
    page.locator("[data-testid='stRadio']").first.locator("label").nth(level).click()
    return _timed(page, lambda: page.get_by_role("button", name="Spara området").first.click(), "är sparade")


def main(url: str, username: str, password: str, code: str, year: int, runs: int) -> dict:
    """Log in, then time opening Egenkontroll (against Mitt konto) and saving its first area."""
    from playwright.sync_api import sync_playwright
    started = time.perf_counter()
    server, base = _server(url)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)  # a busy machine is slow, not broken
            page.add_init_script(FINISHED)
            page.goto(f"{base}/egenkontroll?klinik={code}&ar={year}")
            page.get_by_label("Användarnamn").fill(username)
            page.get_by_label("Lösenord", exact=True).fill(password)
            page.get_by_role("button", name="Logga in").click()
            _shown(page, "Total poäng")
            cold = time.perf_counter() - started
            figures: dict[str, list[float]] = {"open": [], "floor": [], "save": []}
            for run in range(runs + 1):
                floor = _open(page, "Mitt konto", "Byt lösenord")
                opened = _open(page, "Egenkontroll", "Total poäng")
                if run:
                    figures["open"].append(opened)
                    figures["floor"].append(floor)
            for run in range(runs + 1):
                _first_area_open(page)
                saved = _save_area(page, 1 + run % 2)
                figures["save"].append(saved) if run else None
            browser.close()
        peak = _peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(10)
    return {**{name: round(statistics.median(s), 3) for name, s in figures.items()},
            "cold_seconds": round(cold, 3), "server_peak_mb": peak}


def _peak_mb(pid: int) -> float:
    """The server process's peak resident memory (Linux's VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


if __name__ == "__main__":
    url, username, password, code, year, runs = sys.argv[1:7]
    print(json.dumps(main(url, username, password, code, int(year), int(runs))))
