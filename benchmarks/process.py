"""Run a command as a process of its own and measure its wall time and peak RSS (benchmarks/peak.py)."""
import json
import os
import subprocess
import sys
import tempfile
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
    """Run args to completion through benchmarks.peak; refuse (with its standard error) if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".json") as figures:
        process = subprocess.run([sys.executable, "-m", "benchmarks.peak", figures.name, *args], stdout=out,
                                 stderr=err, cwd=PROJECT_DIR,
                                 env={**os.environ, "STRALPORTAL_DEMO": "0", **(env or {})})
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
        measured = json.loads(Path(figures.name).read_text() or "{}")
    if process.returncode:
        raise RuntimeError(f"{' '.join(args[:4])} … misslyckades ({process.returncode}):\n{stderr[-3000:]}")
    return Measured(stdout, measured["seconds"], measured["peak_mb"])


def python(module: str, *args: str, env: dict | None = None) -> Measured:
    """Run `python -m module args` with this interpreter."""
    return run([sys.executable, "-m", module, *args], env)


def stralportal(*args: str, url: str) -> Measured:
    """Run the command line as a user would (`python -m core`), against the database at url."""
    return python("core", *args, env={"STRALPORTAL_DATABASE_URL": url})
