"""STRALPORTAL_ENV is development or production; anything else stops the portal at start, in Swedish."""
import pytest

from core.cli import main
from core.config import load_settings
from core.errors import UserError


@pytest.mark.parametrize("value", ["staging", "Production", "prod", " development"])
def test_an_unknown_environment_is_refused(monkeypatch, value):
    monkeypatch.setenv("STRALPORTAL_ENV", value)
    with pytest.raises(UserError, match="STRALPORTAL_ENV .* får bara vara development eller production"):
        load_settings()


def test_development_and_production_are_accepted(monkeypatch):
    for value in ("development", "production"):
        monkeypatch.setenv("STRALPORTAL_ENV", value)
        assert load_settings().env == value


def test_serve_refuses_to_start_in_an_unknown_environment(demo_env, monkeypatch, capsys):
    monkeypatch.setenv("STRALPORTAL_ENV", "staging")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "STRALPORTAL_ENV är \"staging\"" in err and "Portalen startar inte" in err
