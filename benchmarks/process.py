"""Run a command as a process of its own and measure its wall time and peak RSS (from the kernel, via wait4)."""
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Measured:
    """What a finished process printed, how long it ran and its peak resident memory."""

    stdout: str
    seconds: float
    peak_mb: float

    def json(self) -> dict:
        """Return the last line of standard output as JSON (the workers print one object)."""
        return json.loads(self.stdout.strip().splitlines()[-1])


def run(args: list[str], env: dict | None = None) -> Measured:
    """Run args to completion; refuse (with its standard error) if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, cwd=PROJECT_DIR,
                                   env={**os.environ, "STRALPORTAL_DEMO": "0", **(env or {})})
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode:
        raise RuntimeError(f"{' '.join(args[:4])} … misslyckades ({process.returncode}):\n{stderr[-3000:]}")
    return Measured(stdout, seconds, usage.ru_maxrss / 1024)


def python(module: str, *args: str, env: dict | None = None) -> Measured:
    """Run `python -m module args` with this interpreter."""
    return run([sys.executable, "-m", module, *args], env)


def stralportal(*args: str, url: str) -> Measured:
    """Run the command line as a user would (`python -m core`), against the database at url."""
    return python("core", *args, env={"STRALPORTAL_DATABASE_URL": url})
