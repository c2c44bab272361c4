"""Build the wheel, install it alone in a fresh venv, and run check.py there from an empty folder.

`make installed` and .ci/run use it: a hospital's IT installs the wheel, not the source folder.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*argv, cwd: Path | None = None) -> None:
    """Run a command, echoing it; stop on failure."""
    print("$", " ".join(str(a) for a in argv), flush=True)
    subprocess.run([str(a) for a in argv], cwd=cwd, check=True)


def main() -> None:
    """Build, install and check; the temporary folders go away afterwards."""
    with tempfile.TemporaryDirectory(prefix="stralportal-installed-") as tmp:
        tmp = Path(tmp)
        _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp / "dist", ROOT)
        wheel = next((tmp / "dist").glob("stralportal-*.whl"))
        _run(sys.executable, "-m", "venv", tmp / "venv")
        python = tmp / "venv" / "bin" / "python"
        _run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel)
        (tmp / "work").mkdir()
        _run(python, ROOT / "tests" / "installed" / "check.py", cwd=tmp / "work")


if __name__ == "__main__":
    main()
