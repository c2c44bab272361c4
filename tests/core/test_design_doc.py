"""docs/DESIGN.md names the domain model as it is: every table of core/models/, and nothing else."""
import re

from sqlmodel import SQLModel

from tests.conftest import PROJECT_DIR

DESIGN = PROJECT_DIR / "docs" / "DESIGN.md"


def _documented_models() -> set[str]:
    """The code names in the first column of DESIGN.md's domain model table ("A / B" names two)."""
    text = DESIGN.read_text(encoding="utf-8")
    table = text[text.index("## 2. Domain model"):text.index("## 3.")]
    return {name.strip() for cell in re.findall(r"^\| ([A-Za-z /]+?) \|", table, re.MULTILINE)
            if cell != "Code name" for name in cell.split("/")}


def test_the_design_names_every_model_and_no_other():
    import core.models  # noqa: F401  registers every table
    models = {mapper.class_.__name__ for mapper in SQLModel._sa_registry.mappers}
    assert _documented_models() == models
