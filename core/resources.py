"""The portal's own files: app.py, pages/ and templates/ (fonts, agenda, criteria, workbook template).

pyproject.toml installs them as package data of `stralportal_app`, so an installed portal finds them with
importlib.resources; a source checkout (also when installed in editable mode) uses its own folder.
"""
from importlib.resources import files
from pathlib import Path

APP_PACKAGE = "stralportal_app"
CHECKOUT = Path(__file__).resolve().parent.parent


def app_dir() -> Path:
    """Return the folder holding app.py, pages/ and templates/."""
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "app.py").is_file():
        return CHECKOUT  # the source folder: what a developer edits is what runs
    # An installed wheel: a namespace package (the project folder has no __init__.py); its files are real paths.
    return Path(str(files(APP_PACKAGE).joinpath("app.py"))).parent


APP_DIR = app_dir()
APP_SCRIPT = APP_DIR / "app.py"
TEMPLATES = APP_DIR / "templates"
STREAMLIT_CONFIG = APP_DIR / ".streamlit" / "config.toml"
