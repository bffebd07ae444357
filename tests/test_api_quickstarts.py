"""The developers' page shows quickstarts; each one, exactly as shown, runs against a live
portal (curl, Python with requests and with ckanapi, SPARQL over the Turtle dump)."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys

from flask import Flask

from portal.api.quickstarts import QUICKSTARTS
from portal.cli import cli
from tests.servers import serving
from tests.test_api_dumps import catalog_app  # noqa: F401 - the fixture


def test_quickstarts_on_the_page_run_as_shown(catalog_app: Flask) -> None:  # noqa: F811
    assert catalog_app.test_cli_runner().invoke(cli, ["dumps", "build"]).exit_code == 0
    with serving(catalog_app) as url:
        catalog_app.config["SERVER_NAME"] = None
        # The page shows code for the configured base URL; the test runs it against this server.
        page = catalog_app.test_client().get("/developers?lang=en").get_data(as_text=True)
        shown = [html.unescape(code) for code in re.findall(
            r'<code data-language="\w+">(.*?)</code>', page, flags=re.S)]
        assert len(shown) == len(QUICKSTARTS)
        env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}"
                                     f"{os.environ.get('PATH', '')}"}
        from tests.conftest import BASE_URL

        for quickstart, code in zip(QUICKSTARTS, shown, strict=True):
            code = code.replace(BASE_URL, url)
            command = ["bash", "-c", code] if quickstart.language == "shell" else [
                sys.executable, "-c", code]
            run = subprocess.run(command, capture_output=True, text=True, timeout=120,
                                 env=env, check=False)
            assert run.returncode == 0, (quickstart.key, run.stderr)
            assert run.stdout.strip(), quickstart.key
            if quickstart.key == "sparql":
                assert "data-theme/TRAN" in run.stdout
            if quickstart.key == "requests":
                assert run.stdout.startswith("2 ")
