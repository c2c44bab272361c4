"""The hostile tests' shared fixture: a portal with the 2024 bokslut loaded, so a refusal has rows to leave alone."""
from tests.hostile.test_hostile_workbooks import portal  # noqa: F401  a fixture, found here by the other modules
