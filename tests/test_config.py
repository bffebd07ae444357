"""Settings: declared once, read from PORTAL_* variables, refused with the variable's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.errors import ConfigurationError
from portal.app import create_app
from portal.config import SETTINGS, Settings


def test_defaults_give_an_embedded_instance(tmp_path: Path) -> None:
    settings = Settings.from_env({"PORTAL_INSTANCE_PATH": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    assert settings.search_path == tmp_path / "search-index"
    assert settings.base_url == "http://127.0.0.1:8000"
    assert len(settings.secret_key) >= 32


@pytest.mark.parametrize(("env", "variable"), [
    ({"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "x" * 40}, "PORTAL_DATABASE_URL"),
    ({"PORTAL_ENV": "production", "PORTAL_DATABASE_URL": "postgresql://db/portal"},
     "PORTAL_SECRET_KEY"),
    ({"PORTAL_ENV": "production", "PORTAL_DATABASE_URL": "postgresql://db/portal",
      "PORTAL_SECRET_KEY": "short"}, "PORTAL_SECRET_KEY"),
    ({"PORTAL_ENV": "staging"}, "PORTAL_ENV"),
    ({"PORTAL_BASE_URL": "data.kraj-lbc.cz"}, "PORTAL_BASE_URL"),
    ({"PORTAL_BASE_URL": "https://data.kraj-lbc.cz/?x=1"}, "PORTAL_BASE_URL"),
    ({"PORTAL_DATABASE_URL": "mysql://db/portal"}, "PORTAL_DATABASE_URL"),
    ({"PORTAL_PAGE_SIZE": "many"}, "PORTAL_PAGE_SIZE"),
    ({"PORTAL_PAGE_SIZE": "0"}, "PORTAL_PAGE_SIZE"),
    ({"PORTAL_SEARCH_BACKEND": "solr"}, "PORTAL_SEARCH_BACKEND"),
    ({"PORTAL_SEARCH_BACKEND": "meilisearch"}, "PORTAL_MEILI_URL"),
    ({"PORTAL_SEARCH_BACKEND": "meilisearch", "PORTAL_MEILI_URL": "meili:7700"},
     "PORTAL_MEILI_URL"),
])
def test_bad_configuration_stops_start_up_naming_the_variable(env: dict[str, str],
                                                               variable: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        create_app(env)
    assert caught.value.variable == variable
    assert variable in str(caught.value)


def test_cli_reports_a_configuration_error_and_exits_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "from portal.cli import main; main()", "db", "upgrade"],
        env={"PATH": "/usr/bin:/bin", "PORTAL_ENV": "production", "HOME": str(tmp_path)},
        capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "PORTAL_DATABASE_URL" in result.stderr


def test_every_setting_is_documented_and_prefixed() -> None:
    assert all(s.doc and s.variable.startswith("PORTAL_") for s in SETTINGS)
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))


def test_base_url_trailing_slash_is_dropped() -> None:
    settings = Settings.from_env({"PORTAL_BASE_URL": "https://data.kraj-lbc.cz/"})
    assert settings.base_url == "https://data.kraj-lbc.cz"
