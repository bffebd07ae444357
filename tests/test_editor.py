"""The dataset editor through its pages: drafts, validation next to the fields, uploads,
publishing, history and restore, and the bad input the issue lists."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from catalog.accounts.models import Role
from catalog.db import transaction
from catalog.editor.models import DatasetRevision, StoredFile
from catalog.models import DataService, Dataset, Distribution, RecordState
from portal.app import create_app
from tests.accounts import csrf_token, login, make_user
from tests.conftest import BASE_URL, make_settings
from tests.records import PUBLISHER

TOWN = {"slug": "mesto-turnov", "name": {"cs": "Město Turnov"}}
CSV = "zastávka;odjezd\nLiberec, nádraží;07:15\nTurnov;08:02\n".encode()
FORM = {
    "slug": "odjezdy-autobusu", "title_cs": "Odjezdy autobusů", "title_en": "Bus departures",
    "description_cs": "Plánované odjezdy autobusů.", "keywords_cs": "autobusy, jízdní řády",
    "keywords_en": "buses", "themes": "http://publications.europa.eu/resource/authority/"
    "data-theme/TRAN", "places": "Liberec (okres Liberec)",
    "frequency": "http://publications.europa.eu/resource/authority/frequency/DAILY",
    "contact_name": "Odbor dopravy", "contact_email": "doprava@kraj.example",
    "temporal_start": "2026-01-01",
}


@pytest.fixture
def editor_app(tmp_path: Path, sqlite_template: Path) -> Flask:
    import shutil

    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    app = create_app(make_settings(instance, PORTAL_UPLOAD_MAX_BYTES="4000"))
    make_user(app, "admin@kraj.example", role=Role.ADMIN, org=PUBLISHER)
    make_user(app, "editor@kraj.example", role=Role.EDITOR, org=PUBLISHER)
    make_user(app, "town@turnov.example", role=Role.EDITOR, org=TOWN)
    return app


def client_as(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    with transaction(app.extensions["portal"].engine) as session:
        from catalog.accounts.services import user_by_email

        user = user_by_email(session, email)
    assert user is not None
    login(client, user)
    return client


def post(client: FlaskClient, url: str, data: dict, **kwargs) -> object:
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/editor/")},
                       **kwargs)


def create(client: FlaskClient, **changes: str) -> object:
    return post(client, "/editor/new?publisher=liberecky-kraj", {**FORM, **changes})


def publish(client: FlaskClient, slug: str) -> object:
    """Add the linked file a dataset needs to be published, then publish it."""
    post(client, f"/editor/datasets/{slug}/distributions/new", {
        "kind": "url", "access_url": f"https://data.kraj.example/{slug}.csv", "format": "CSV",
        "licence": "CC-BY-4.0"}, content_type="multipart/form-data")
    return post(client, f"/editor/datasets/{slug}/state", {"state": "published"})


def upload(client: FlaskClient, slug: str, content: bytes, name: str, **fields: str) -> object:
    return post(client, f"/editor/datasets/{slug}/distributions/new",
                {"kind": "upload", "file": (io.BytesIO(content), name), "licence": "CC-BY-4.0",
                 **fields}, content_type="multipart/form-data")


def stored(app: Flask, model: type) -> list:
    with transaction(app.extensions["portal"].engine) as session:
        return list(session.exec(select(model)))


def test_a_new_dataset_is_a_private_draft_with_a_preview(editor_app: Flask) -> None:
    editor = client_as(editor_app, "editor@kraj.example")
    response = create(editor)
    assert response.status_code == 302
    assert response.headers["Location"] == "/editor/datasets/odjezdy-autobusu"
    [dataset] = stored(editor_app, Dataset)
    assert dataset.state == RecordState.DRAFT and dataset.keywords == {
        "cs": ["autobusy", "jízdní řády"], "en": ["buses"]}
    assert dataset.spatial == ["https://linked.cuzk.cz/resource/ruian/obec/563889"]
    assert editor_app.test_client().get("/datasets/odjezdy-autobusu").status_code == 404
    preview = editor.get("/editor/datasets/odjezdy-autobusu/preview").get_data(True)
    assert "Odjezdy autobusů" in preview and "preview-banner" in preview
    assert [r.action for r in stored(editor_app, DatasetRevision)] == ["create"]


def test_invalid_fields_get_messages_next_to_them_and_nothing_is_saved(
        editor_app: Flask) -> None:
    editor = client_as(editor_app, "editor@kraj.example")
    response = create(editor, title_cs="", landing_page="ftp://x", places="Atlantida",
                      temporal_start="2026-05-01", temporal_end="2026-01-01",
                      contact_email="not an address")
    html = response.get_data(True)
    assert response.status_code == 400
    for field in ("title_cs", "landing_page", "places", "contact_email"):
        assert f'id="e-{field}"' in html, field
    assert "Vyplňte text v češtině." in html
    assert stored(editor_app, Dataset) == []
    english = post(editor, "/editor/new?publisher=liberecky-kraj&lang=en",
                   {**FORM, "title_cs": ""})
    assert "A Czech text is required." in english.get_data(True)


def test_upload_is_stored_by_hash_and_served_with_safe_headers(editor_app: Flask) -> None:
    editor = client_as(editor_app, "editor@kraj.example")
    create(editor)
    response = upload(editor, "odjezdy-autobusu", CSV, "../../../odjezdy.csv",
                      title_cs="Odjezdy (CSV)")
    assert response.status_code == 302, response.get_data(True)
    [file] = stored(editor_app, StoredFile)
    assert file.filename == "odjezdy.csv" and file.byte_size == len(CSV)
    assert file.media_type == "text/csv"
    upload_dir = editor_app.extensions["portal"].settings.upload_dir
    assert (upload_dir / file.sha256[:2] / file.sha256).read_bytes() == CSV
    assert not (upload_dir.parent.parent / "odjezdy.csv").exists()
    [dist] = stored(editor_app, Distribution)
    assert dist.download_url == f"{BASE_URL}/files/{file.id}/odjezdy.csv"
    assert dist.format.endswith("/CSV") and dist.byte_size == len(CSV)
    path = f"/files/{file.id}/odjezdy.csv"
    assert editor_app.test_client().get(path).status_code == 404  # a draft's file
    served = editor.get(path)
    assert served.status_code == 200 and served.data == CSV
    assert served.headers["Content-Type"].startswith("text/csv")
    assert served.headers["Content-Disposition"] == "attachment; filename=odjezdy.csv"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"%PDF-1.7\n%binary", "data.csv", "is not CSV"),
    (b"\x00\x01\x02binary", "data.bin", "not accepted"),
    (b"a;b\n" * 2000, "big.csv", "larger than"),
    (b"", "empty.csv", "empty"),
])
def test_bad_uploads_are_refused_and_leave_nothing(editor_app: Flask, content: bytes,
                                                   name: str, message: str) -> None:
    editor = client_as(editor_app, "editor@kraj.example")
    create(editor)
    response = upload(editor, "odjezdy-autobusu", content, name)
    assert response.status_code == 400
    assert message in post(editor, "/editor/datasets/odjezdy-autobusu/distributions/new?lang=en",
                           {"kind": "upload", "file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data").get_data(True)
    assert stored(editor_app, StoredFile) == [] and stored(editor_app, Distribution) == []
    upload_dir = editor_app.extensions["portal"].settings.upload_dir
    assert [p for p in upload_dir.rglob("*") if p.is_file()] == []


def test_a_request_over_the_limit_is_a_413_with_a_message(editor_app: Flask) -> None:
    editor = client_as(editor_app, "editor@kraj.example")
    create(editor)
    response = upload(editor, "odjezdy-autobusu", b"x" * (300 * 1024), "huge.csv")
    assert response.status_code == 413 and "MB" in response.get_data(True)


def test_another_organisations_dataset_is_refused(editor_app: Flask) -> None:
    create(client_as(editor_app, "editor@kraj.example"))
    town = client_as(editor_app, "town@turnov.example")
    assert town.get("/editor/datasets/odjezdy-autobusu/edit").status_code == 403
    response = post(town, "/editor/datasets/odjezdy-autobusu/edit",
                    {**FORM, "title_cs": "Převzato"})
    assert response.status_code == 403
    assert post(town, "/editor/datasets/odjezdy-autobusu/state",
                {"state": "archived"}).status_code == 403
    assert post(town, "/editor/new?publisher=liberecky-kraj", FORM).status_code == 403
    # Nor can the region's editor move its dataset to the town by editing the hidden field.
    editor = client_as(editor_app, "editor@kraj.example")
    moved = post(editor, "/editor/datasets/odjezdy-autobusu/edit",
                 {**FORM, "publisher": "mesto-turnov"})
    assert moved.status_code == 403
    [dataset] = stored(editor_app, Dataset)
    assert dataset.title["cs"] == "Odjezdy autobusů"


def test_forged_csrf_on_the_editor_is_refused(editor_app: Flask) -> None:
    editor = client_as(editor_app, "editor@kraj.example")
    response = editor.post("/editor/new?publisher=liberecky-kraj",
                           data={**FORM, "csrf_token": "forged"})
    assert response.status_code == 400 and stored(editor_app, Dataset) == []


def test_html_in_text_fields_is_stored_as_text_and_shown_escaped(editor_app: Flask) -> None:
    editor = client_as(editor_app, "editor@kraj.example")
    create(editor, title_cs="<script>alert(1)</script>", description_cs="<b>tučně</b>")
    [dataset] = stored(editor_app, Dataset)
    assert dataset.title["cs"] == "<script>alert(1)</script>"
    assert publish(editor, dataset.slug).status_code == 302
    html = editor_app.test_client().get(f"/datasets/{dataset.slug}").get_data(True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;tučně" in html


def test_publish_find_edit_history_and_admin_restore(editor_app: Flask) -> None:
    editor = client_as(editor_app, "editor@kraj.example")
    create(editor)
    assert publish(editor, "odjezdy-autobusu").status_code == 302
    public = editor_app.test_client()
    assert "Odjezdy autobusů" in public.get("/datasets?q=autobusu").get_data(True)
    edited = post(editor, "/editor/datasets/odjezdy-autobusu/edit",
                  {**FORM, "title_cs": "Odjezdy autobusů a vlaků"})
    assert edited.status_code == 302
    history = editor.get("/editor/datasets/odjezdy-autobusu/history").get_data(True)
    assert "<del>Odjezdy autobusů</del>" in history
    assert "<ins>Odjezdy autobusů a vlaků</ins>" in history
    assert "Restore version" not in history and "Obnovit verzi" not in history  # editors can't
    assert post(editor, "/editor/datasets/odjezdy-autobusu/history/1/restore",
                {}).status_code == 403
    admin = client_as(editor_app, "admin@kraj.example")
    # Version 1 had no distribution: the published dataset cannot go back to it.
    refused = post(admin, "/editor/datasets/odjezdy-autobusu/history/1/restore", {})
    assert refused.status_code == 400
    assert "Přidejte alespoň jednu distribuci" in refused.get_data(True)
    assert post(admin, "/editor/datasets/odjezdy-autobusu/history/3/restore",
                {}).status_code == 302
    [dataset] = stored(editor_app, Dataset)
    assert dataset.title["cs"] == "Odjezdy autobusů" and dataset.state == "published"
    assert [r.action for r in stored(editor_app, DatasetRevision)] == [
        "create", "add_distribution", "publish", "edit", "restore:3"]
    assert "Odjezdy autobusů a vlaků" not in public.get("/datasets?q=autobusu").get_data(True)


def test_delete_is_soft_and_for_admins(editor_app: Flask) -> None:
    editor = client_as(editor_app, "editor@kraj.example")
    create(editor)
    post(editor, "/editor/datasets/odjezdy-autobusu/state", {"state": "published"})
    assert post(editor, "/editor/datasets/odjezdy-autobusu/state",
                {"state": "archived"}).status_code == 403
    admin = client_as(editor_app, "admin@kraj.example")
    post(admin, "/editor/datasets/odjezdy-autobusu/state", {"state": "archived"})
    assert editor_app.test_client().get("/datasets/odjezdy-autobusu").status_code == 404
    [dataset] = stored(editor_app, Dataset)
    assert dataset.state == RecordState.ARCHIVED
    from catalog.accounts.models import AuditEvent

    assert "dataset.delete" in [e.action for e in stored(editor_app, AuditEvent)]


def test_a_linked_api_becomes_a_data_service(editor_app: Flask) -> None:
    editor = client_as(editor_app, "editor@kraj.example")
    create(editor)
    assert upload(editor, "odjezdy-autobusu", CSV, "odjezdy.csv").status_code == 302
    response = post(editor, "/editor/datasets/odjezdy-autobusu/distributions/new", {
        "kind": "api", "access_url": "https://api.kraj.example/odjezdy",
        "api_documentation": "https://api.kraj.example/docs", "format": "JSON",
        "title_cs": "API odjezdů"})
    assert response.status_code == 302, response.get_data(True)
    [service] = stored(editor_app, DataService)
    csv_dist, api_dist = sorted(stored(editor_app, Distribution), key=lambda d: d.position)
    assert service.endpoint_url == "https://api.kraj.example/odjezdy"
    assert api_dist.access_service_id == service.id and csv_dist.access_service_id is None
    assert post(editor, "/editor/datasets/odjezdy-autobusu/distributions/1/remove",
                {}).status_code == 302
    assert stored(editor_app, DataService) == []
    assert [d.id for d in stored(editor_app, Distribution)] == [csv_dist.id]


def test_a_linked_api_with_a_bad_documentation_address_is_refused_on_that_field(
        editor_app: Flask) -> None:
    editor = client_as(editor_app, "editor@kraj.example")
    create(editor)
    response = post(editor, "/editor/datasets/odjezdy-autobusu/distributions/new", {
        "kind": "api", "access_url": "https://api.kraj.example/odjezdy",
        "api_documentation": "docs on request", "format": "JSON", "title_en": "Departures API"})
    assert response.status_code == 400
    html = response.get_data(True)
    assert '<p class="error" id="e-api_documentation">' in html
    assert stored(editor_app, DataService) == [] and stored(editor_app, Distribution) == []
    fixed = post(editor, "/editor/datasets/odjezdy-autobusu/distributions/new", {
        "kind": "api", "access_url": "https://api.kraj.example/odjezdy",
        "api_documentation": "https://api.kraj.example/docs", "format": "JSON",
        "title_en": "Departures API"})
    assert fixed.status_code == 302, fixed.get_data(True)
    [service] = stored(editor_app, DataService)
    assert service.title == {"cs": FORM["title_cs"], "en": "Departures API"}


def test_editor_pages_need_a_sign_in(editor_app: Flask) -> None:
    response = editor_app.test_client().get("/editor/")
    assert response.status_code == 302
    assert re.match(r"/account/login\?next=/editor/", response.headers["Location"])


def test_an_edit_through_the_form_keeps_identifiers_and_follows_hvd_categories(
        editor_app: Flask) -> None:
    """The form does not show source identifiers or legislation: an edit keeps them. An HVD
    category brings the HVD regulation as applicable legislation; unchecking it removes it."""
    from catalog.services import create_dataset
    from catalog.vocabularies import HVD_CATEGORY_BASE, HVD_LEGISLATION
    from tests.records import dataset as record

    other_law = "http://data.europa.eu/eli/dir/2019/1024/oj"
    with transaction(editor_app.extensions["portal"].engine) as session:
        create_dataset(session, record("odjezdy-autobusu", identifiers=["ckan:0a1b2c"],
                                       applicable_legislation=[other_law], distributions=[],
                                       state="draft"), base_url=BASE_URL)
    editor = client_as(editor_app, "editor@kraj.example")
    mobility = HVD_CATEGORY_BASE + "c_b79e35eb"
    edit = "/editor/datasets/odjezdy-autobusu/edit"
    assert post(editor, edit, {**FORM, "hvd_categories": mobility}).status_code == 302
    [stored_dataset] = stored(editor_app, Dataset)
    assert stored_dataset.identifiers == ["ckan:0a1b2c"]
    assert stored_dataset.hvd_categories == [mobility]
    assert stored_dataset.applicable_legislation == [other_law, HVD_LEGISLATION]
    assert 'value="' + mobility + '" checked' in editor.get(edit).get_data(True)
    assert post(editor, edit, FORM).status_code == 302
    [stored_dataset] = stored(editor_app, Dataset)
    assert stored_dataset.hvd_categories == []
    assert stored_dataset.applicable_legislation == [other_law]
    assert stored_dataset.identifiers == ["ckan:0a1b2c"]


def user_reads(app: Flask, client: FlaskClient, url: str) -> tuple[str, list[str]]:
    """The page at ``url`` and the statements that read user accounts while serving it."""
    from sqlalchemy import event

    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    engine = app.extensions["portal"].engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert page.status_code == 200
    return page.get_data(True), [s for s in statements if "FROM user_account" in s]


def test_the_history_reads_the_authors_of_its_revisions_in_one_query(editor_app: Flask) -> None:
    make_user(editor_app, "druhy@kraj.example", role=Role.EDITOR, org=PUBLISHER,
              display_name="Druhý Editor")
    make_user(editor_app, "treti@kraj.example", role=Role.EDITOR, org=PUBLISHER,
              display_name="Třetí Editorka")
    create(client_as(editor_app, "editor@kraj.example"))
    for number, email in enumerate(("druhy@kraj.example", "treti@kraj.example")):
        edited = post(client_as(editor_app, email), "/editor/datasets/odjezdy-autobusu/edit",
                      {**FORM, "title_cs": f"Odjezdy autobusů {number}"})
        assert edited.status_code == 302
    admin = client_as(editor_app, "admin@kraj.example")
    url = "/editor/datasets/odjezdy-autobusu/history"
    _page, signed_in_only = user_reads(editor_app, admin, "/editor/")
    page, reads = user_reads(editor_app, admin, url)
    assert "Druhý Editor" in page and "Třetí Editorka" in page
    assert len(reads) == len(signed_in_only) + 1, reads  # the signed-in user, then the authors
