"""Every document the code, tests, templates and docs point to is in the repository (a clone has no ../shared/)."""
import re

from tests.conftest import PROJECT_DIR

SOURCES = [*PROJECT_DIR.glob("core/**/*.py"), *PROJECT_DIR.glob("pages/**/*.py"), *PROJECT_DIR.glob("tests/**/*.py"),
           *PROJECT_DIR.glob("benchmarks/*.py"), *PROJECT_DIR.glob("templates/**/*.yaml"), PROJECT_DIR / "app.py",
           PROJECT_DIR / "README.md", PROJECT_DIR / "Makefile"]
DOCS = list(PROJECT_DIR.glob("docs/**/*.md"))
REFERENCE = re.compile(r"(?<![\w./-])((?:\.\./)*[\w-]+(?:/[\w.-]+)*\.md)\b")


def _missing(path, text: str) -> list[str]:
    """References in one file that resolve neither from the project, from docs/ nor from the file's folder."""
    found = []
    for name in set(REFERENCE.findall(text)):
        candidates = [PROJECT_DIR / name, PROJECT_DIR / "docs" / name, path.parent / name]
        if not any(c.resolve().is_file() for c in candidates) and not any(
                d.name == name.rsplit("/", 1)[-1] for d in DOCS if "/" not in name):
            found.append(f"{path.relative_to(PROJECT_DIR)}: {name}")
    return found


def test_no_file_points_to_a_document_outside_the_repository():
    missing = [m for path in SOURCES + DOCS for m in _missing(path, path.read_text(encoding="utf-8"))]
    assert not missing, missing
    assert not [p for p in SOURCES if "../shared" in p.read_text(encoding="utf-8") and p.name != "test_references.py"]
