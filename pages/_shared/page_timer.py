"""Time a page's script run with AppTest, for `stralportal bench` (core itself never imports Streamlit).

Run as: python -m pages._shared.page_timer DATABASE_URL PAGE USERNAME ROLE RUNS; prints JSON seconds per run.
"""
import json
import os
import sys
import time
import tracemalloc

from streamlit.testing.v1 import AppTest

from core.config import PROJECT_DIR


def run_once(page: str, username: str, role: str) -> None:
    """Run the app once as a logged-in user, switched to the page."""
    at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=60)
    for key, value in {"authentication_status": True, "username": username, "name": username, "roles": [role],
                       "email": f"{username}@x.se", "logout": None}.items():
        at.session_state[key] = value
    at.run()
    if page != "pages/oversikt.py":
        at.switch_page(page).run()
    if at.exception:
        raise RuntimeError(at.exception[0].message)


def main(url: str, page: str, username: str, role: str, runs: int) -> None:
    """Print the seconds of each run after a warm-up, and the peak memory of one more."""
    os.environ["STRALPORTAL_DATABASE_URL"] = url
    run_once(page, username, role)
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        run_once(page, username, role)
        seconds.append(time.perf_counter() - start)
    tracemalloc.start()
    run_once(page, username, role)
    peak = tracemalloc.get_traced_memory()[1] / 1_000_000
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
