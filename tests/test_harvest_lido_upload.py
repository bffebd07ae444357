"""A curator uploads a LIDO file that the museum's LIDO source harvests at once: the job's
counts and grouped errors are shown; bad files (not XML, entity bombs, external entities, the
wrong root, too large) are refused with a clear message and change nothing; ``portal harvest
add --type lido --url ./file.xml`` and ``portal harvest run`` keep working."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from catalog.accounts.models import Role
from catalog.models import AgentKind, CollectionObject
from harvesters.models import HarvestJob, HarvestSource
from portal.app import create_app
from portal.harvest_cli import harvest
from portal.state import state
from portal.web import museum_harvest
from portal.web.curator import runner
from tests.accounts import csrf_token, login, make_org, make_user
from tests.conftest import make_settings
from tests.harvest_fixtures import LIDO_NS, lido_record, lido_wrap
from tests.records import MUSEUM

CAP = 100_000
SOURCE = f"{MUSEUM['slug']}-lido"
OTHER_MUSEUM = {"slug": "muzeum-ceskeho-raje", "name": {"cs": "Muzeum Českého ráje"}}


def wrap(*records: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<lido:lidoWrap xmlns:lido="{LIDO_NS}">\n'
            + "\n".join(records) + "\n</lido:lidoWrap>\n").encode()


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path) -> Flask:
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    app = create_app(make_settings(instance, PORTAL_HARVEST_UPLOAD_MAX_BYTES=str(CAP)))
    make_org(app, MUSEUM, AgentKind.INSTITUTION)
    make_org(app, OTHER_MUSEUM, AgentKind.INSTITUTION)
    return app


@pytest.fixture
def curator(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, make_user(app, "kuratorka@muzeumlb.cz", role=Role.CURATOR, org=MUSEUM))
    client.get("/?lang=en")
    return client


def send(client: FlaskClient, data: bytes, name: str = "export.xml",
         slug: str = MUSEUM["slug"]) -> Any:
    """Upload ``data``; returns the response once the background run is over."""
    response = client.post(f"/curator/{slug}/harvest/lido", data={
        "csrf_token": csrf_token(client, f"/curator/{MUSEUM['slug']}"),
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    runner(client.application).wait()
    return response


def result(client: FlaskClient, data: bytes) -> str:
    """The page the curator ends on after uploading ``data``."""
    response = send(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"], follow_redirects=True).get_data(
        as_text=True)


def titles(app: Flask) -> list[str]:
    with Session(state(app).engine) as session:
        return [o.title["cs"] for o in session.exec(select(CollectionObject).order_by(
            CollectionObject.id))]


def source(app: Flask) -> HarvestSource | None:
    with Session(state(app).engine) as session:
        return session.exec(select(HarvestSource).where(HarvestSource.name == SOURCE)).first()


def jobs(app: Flask) -> int:
    with Session(state(app).engine) as session:
        return len(session.exec(select(HarvestJob)).all())


def test_an_uploaded_lido_file_is_harvested_and_its_job_result_shown(
        app: Flask, curator: FlaskClient) -> None:
    document = wrap(*(lido_record(n, wrap_ns=False) for n in (1, 2, 3)),
                    lido_record(4, title="", wrap_ns=False))
    page = result(curator, document)
    assert f"Harvest of {SOURCE}" in page and "Done, some records refused" in page
    counts = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', page))
    assert (counts["Added"], counts["Refused"], counts["Updated"]) == ("3", "1", "0")
    assert "smlbc-000004" in page  # the refused record, in its message group
    assert titles(app) == [f"Broušená číše č. {n}" for n in (1, 2, 3)]
    found = source(app)
    assert found is not None and found.type == "lido" and found.schedule == "manual"
    assert Path(found.url).read_bytes() == document  # kept as the source's document
    collection = curator.get(f"/curator/{MUSEUM['slug']}").get_data(as_text=True)
    assert SOURCE in collection and "3 added, 0 updated, 1 refused" in collection
    # The same file again, then a changed one: updated in place, never duplicated.
    again = result(curator, document)
    assert re.search(r"Unchanged</th><td>3<", again)
    send(curator, document.replace("č. 2<".encode(), "č. 2 (opraveno)<".encode()))
    assert titles(app) == ["Broušená číše č. 1", "Broušená číše č. 2 (opraveno)",
                           "Broušená číše č. 3"]
    ran = app.test_cli_runner().invoke(harvest, ["run", SOURCE])
    assert ran.exit_code == 0 and "3 unchanged" in ran.output, ran.output


BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
        + f'<lido:lidoWrap xmlns:lido="{LIDO_NS}">&lol2;</lido:lidoWrap>'.encode())
EXTERNAL = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            + f'<lido:lidoWrap xmlns:lido="{LIDO_NS}">&x;</lido:lidoWrap>'.encode())
EXTERNAL_DTD = (b'<?xml version="1.0"?>\n<!DOCTYPE lido:lidoWrap SYSTEM "http://evil.test/x.dtd">'
                + f'<lido:lidoWrap xmlns:lido="{LIDO_NS}"></lido:lidoWrap>'.encode())
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'


def test_bad_files_are_refused_with_a_clear_message_and_change_nothing(
        app: Flask, curator: FlaskClient) -> None:
    good = wrap(*(lido_record(n, wrap_ns=False) for n in (1, 2)))
    send(curator, good)
    before = (titles(app), jobs(app))
    refused_early = [(b"", "The file is empty."),
                     ("inventární číslo;název\nH 1;Džbán\n".encode(), "The file is not XML"),
                     (b"\xef\xbb\xbf  {\"dataset\": []}", "The file is not XML")]
    for data, message in refused_early:
        shown = result(curator, data)
        assert message in shown and "Nothing was changed." in shown
    assert (titles(app), jobs(app)) == before  # refused before any job
    failing = [(BOMB, "declares XML entities"), (EXTERNAL, "declares XML entities"),
               (EXTERNAL_DTD, "external DTD"), (RSS, "the root element is not"),
               (good[:-40], "truncated or malformed")]
    for data, message in failing:
        page = result(curator, data)
        assert "nothing was changed in the collection" in page, message
        assert message in page
    assert titles(app) == before[0]
    found = source(app)
    assert found is not None and Path(found.url).read_bytes() == good
    leftovers = [p.name for p in Path(found.url).parent.iterdir()]
    assert leftovers == [Path(found.url).name]  # refused uploads are not kept


def test_an_oversized_file_is_refused_naming_the_cap(app: Flask, curator: FlaskClient) -> None:
    just_over = wrap(*(lido_record(n, wrap_ns=False) for n in range(1, 80)))
    assert CAP < len(just_over) < CAP + 200_000
    shown = result(curator, just_over)
    assert "The file is larger than 0.1 MB. Nothing was changed." in shown
    far_over = send(curator, b"<x>" + b" " * 600_000 + b"</x>")
    assert far_over.status_code == 413  # refused before the form is read
    assert "larger than 0.1 MB" in far_over.get_data(as_text=True)
    assert titles(app) == [] and source(app) is None


def test_only_the_museums_curators_upload_with_a_csrf_token(
        app: Flask, curator: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(museum_harvest, "PROGRESS_WAIT", 0.3)
    document = wrap(lido_record(1, wrap_ns=False))
    assert send(curator, document, slug=OTHER_MUSEUM["slug"]).status_code == 403
    no_token = curator.post(f"/curator/{MUSEUM['slug']}/harvest/lido", data={
        "file": (io.BytesIO(document), "export.xml")}, content_type="multipart/form-data")
    assert no_token.status_code == 400
    other = app.test_client()
    login(other, make_user(app, "kurator@muzeum-turnov.cz", role=Role.CURATOR,
                           org=OTHER_MUSEUM))
    waiting = send(curator, document).headers["Location"]
    job = curator.get(waiting).headers["Location"]
    assert "/harvest/jobs/" in job
    assert other.get(waiting).status_code == 403 and other.get(job).status_code == 403
    pending = curator.get(f"/curator/{MUSEUM['slug']}/harvest/sources/{SOURCE}?after=999999")
    assert "Reload this page to see the result" in pending.get_data(as_text=True)
    assert curator.get(f"/curator/{MUSEUM['slug']}/harvest/sources/{SOURCE}?after=x"
                       ).status_code == 404
    assert titles(app) == ["Broušená číše č. 1"]


def test_the_cli_adds_a_lido_file_source_by_relative_path_and_runs_it(
        app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "export.xml").write_bytes(lido_wrap(range(1, 3)))
    monkeypatch.chdir(tmp_path)
    cli = app.test_cli_runner()
    added = cli.invoke(harvest, ["add", "soubor", "--type", "lido", "--url", "./export.xml",
                                 "--publisher", MUSEUM["slug"]])
    assert added.exit_code == 0, added.output
    ran = cli.invoke(harvest, ["run", "soubor"])
    assert ran.exit_code == 0 and "2 added" in ran.output, ran.output
    with Session(state(app).engine) as session:
        stored = session.exec(select(HarvestSource).where(HarvestSource.name == "soubor")).one()
    assert stored.url == str(tmp_path / "export.xml")
