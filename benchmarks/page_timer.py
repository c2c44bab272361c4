"""Open every page as one logged-in user in a process of its own; print seconds per page as JSON.

Run as: python -m benchmarks.page_timer DATABASE_URL USERNAME ROLE RUNS PAGE[?KEY=VALUE&…]...

The harness's own start-up (importing Streamlit, the first script run) is done before the clock starts;
each page is then opened once untimed (its modules load) and timed RUNS times, as a link click would open
it: the router (app.py) and the page's script. One AppTest session opens every page in turn, like a user
in the real server, so the process's peak RSS is what a server holds after that user has seen them all.
"""
import json
import os
import statistics
import sys
import time
from urllib.parse import parse_qsl


def main(url: str, username: str, role: str, runs: int, pages: list[str]) -> dict:
    """Return per page the median seconds and any error (the orchestrator measures the peak RSS)."""
    os.environ["STRALPORTAL_DATABASE_URL"] = url
    os.environ.setdefault("STRALPORTAL_DEMO", "0")
    from streamlit.testing.v1 import AppTest

    from core.resources import APP_SCRIPT
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=120)
    for key, value in {"authentication_status": True, "username": username, "name": username, "roles": [role],
                       "email": f"{username}@region.se", "logout": None}.items():
        at.session_state[key] = value
    at.run()
    result = {}
    if runs == 0:  # a cold start: the whole process is timed from outside
        pages = []
    for page in pages:
        # "pages/x.py?key=value" opens the page with those choices made (e.g. the whole organisation).
        path, _, query = page.partition("?")
        choices = {key: int(value) if value.isdigit() else value for key, value in parse_qsl(query)}
        for key, value in choices.items():
            at.session_state[key] = value
        at.switch_page(path).run()
        seconds = []
        for _ in range(runs):
            start = time.perf_counter()
            at.switch_page(path).run()
            seconds.append(time.perf_counter() - start)
        error = at.exception[0].message if at.exception else None
        result[page] = {"seconds": round(statistics.median(seconds), 4), "error": error}
    return {"pages": result}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:])))
