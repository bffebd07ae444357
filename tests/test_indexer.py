"""The outbox feeds the index: drains apply changes after commit, a writer killed between commit
and indexing loses nothing, reindex rebuilds, and check reports drift record by record."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from catalog.db import transaction
from catalog.models import Agent, AgentKind, Dataset, RecordState, SearchOutbox
from catalog.objects import create_object, set_object_state
from catalog.search.base import SearchQuery
from catalog.search.documents import dataset_document
from catalog.search.indexer import check, drain_outbox, reindex
from catalog.search.tantivy_index import TantivyIndex
from catalog.services import create_dataset, set_dataset_state, update_dataset, upsert_agent
from portal.app import create_app
from portal.cli import search_check, search_drain
from tests.conftest import BASE_URL, make_settings
from tests.records import MUSEUM, PUBLISHER, dataset, museum_object


@pytest.fixture
def agents(engine: Engine) -> None:
    with transaction(engine) as session:
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        upsert_agent(session, MUSEUM, kind=AgentKind.INSTITUTION, base_url=BASE_URL)


def outbox_size(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(SearchOutbox.id)).all())


def test_drain_indexes_published_records_and_empties_the_outbox(
        engine: Engine, index: TantivyIndex, agents: None) -> None:
    with transaction(engine) as session:
        create_dataset(session, dataset(), base_url=BASE_URL)
        create_dataset(session, dataset("koncept", state="draft"), base_url=BASE_URL)
        create_object(session, museum_object(), base_url=BASE_URL)
    assert drain_outbox(engine, index) == 3
    assert outbox_size(engine) == 0
    result = index.search(SearchQuery(text="nadrazi"))
    assert [hit.url_key for hit in result.hits] == ["odjezdy-vlaku"], "drafts are not indexed"
    assert index.search(SearchQuery(text="leknin")).hits[0].kind == "object"
    assert check(engine, index).drift == 0


def test_archiving_removes_from_the_index(engine: Engine, index: TantivyIndex,
                                          agents: None) -> None:
    with transaction(engine) as session:
        create_dataset(session, dataset(), base_url=BASE_URL)
        obj = create_object(session, museum_object(), base_url=BASE_URL)
    drain_outbox(engine, index)
    with transaction(engine) as session:
        set_dataset_state(session, "odjezdy-vlaku", RecordState.ARCHIVED)
        set_object_state(session, obj.id, RecordState.ARCHIVED)
    drain_outbox(engine, index)
    assert index.search(SearchQuery()).total == 0
    assert check(engine, index).drift == 0


def test_check_reports_missing_stale_and_extra(engine: Engine, index: TantivyIndex,
                                               agents: None) -> None:
    with transaction(engine) as session:
        create_dataset(session, dataset(), base_url=BASE_URL)
        create_dataset(session, dataset("druhy"), base_url=BASE_URL)
    drain_outbox(engine, index)
    with transaction(engine) as session:
        update_dataset(session, "druhy", dataset("druhy", title={"cs": "Změněný název"}),
                       base_url=BASE_URL)
        create_dataset(session, dataset("treti"), base_url=BASE_URL)
    index.delete(["dataset:1"])
    # A document of a record the catalog does not have:
    ghost = dataset_document(Dataset(id=999, slug="ghost", iri="x", publisher_id=1,
                                     title={"cs": "Duch"}, description={"cs": "-"}),
                             Agent(slug="p", iri="y", kind="publisher", name={"cs": "P"}), [])
    index.upsert([ghost])
    report = check(engine, index)
    assert report.missing == ["dataset:1", "dataset:3"]
    assert report.stale == ["dataset:2"]
    assert report.extra == ["dataset:999"]
    assert report.pending == 2
    reindex(engine, index)
    after = check(engine, index)
    assert (after.drift, after.pending) == (0, 0)


WRITER = textwrap.dedent("""
    import os, signal, sys
    from catalog.db import make_engine, transaction
    from catalog.services import create_dataset
    sys.path.insert(0, {root!r})
    from tests.records import dataset

    engine = make_engine({url!r})
    with transaction(engine) as session:
        create_dataset(session, dataset("zabity-zapis"), base_url={base!r})
    # Committed; the process dies before it can bring the index up to date.
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_writer_killed_between_commit_and_indexing_loses_nothing(
        engine: Engine, index: TantivyIndex, agents: None, tmp_path: Path,
        database_url: str) -> None:
    root = str(Path(__file__).resolve().parent.parent)
    script = WRITER.format(root=root, url=database_url, base=BASE_URL)
    killed = subprocess.run([sys.executable, "-c", script], cwd=root, timeout=60,
                            capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    before = check(engine, index)
    assert before.missing == ["dataset:1", "publisher:1"] and before.pending == 1

    app = create_app(make_settings(tmp_path / "instance", PORTAL_DATABASE_URL=database_url,
                                   PORTAL_SEARCH_PATH=str(index.path)))
    runner = app.test_cli_runner()
    drained = runner.invoke(search_drain)
    assert drained.exit_code == 0 and "1 changes applied" in drained.output
    checked = runner.invoke(search_check)
    assert checked.exit_code == 0, checked.output
    assert "drift: 0" in checked.output
    assert index.search(SearchQuery(text="nadrazi")).total == 1


def test_check_command_exits_1_on_drift(engine: Engine, index: TantivyIndex, agents: None,
                                        tmp_path: Path, database_url: str) -> None:
    with transaction(engine) as session:
        create_dataset(session, dataset(), base_url=BASE_URL)
    app = create_app(make_settings(tmp_path / "instance", PORTAL_DATABASE_URL=database_url,
                                   PORTAL_SEARCH_PATH=str(index.path)))
    index.clear()
    result = app.test_cli_runner().invoke(search_check)
    assert result.exit_code == 1
    assert "missing dataset:1" in result.output and "drift: 2" in result.output


def test_drain_skips_when_another_writer_holds_the_role(engine: Engine, index: TantivyIndex,
                                                        agents: None) -> None:
    with transaction(engine) as session:
        create_dataset(session, dataset(), base_url=BASE_URL)
    with index.writer(wait=True):
        # flock is per open file description: a second handle in this process conflicts too.
        assert drain_outbox(engine, index) == 0
    assert outbox_size(engine) == 1
    assert drain_outbox(engine, index) == 1


def test_reindex_keeps_a_change_committed_while_it_runs(engine: Engine, index: TantivyIndex,
                                                        agents: None) -> None:
    with transaction(engine) as session:
        create_dataset(session, dataset(), base_url=BASE_URL)
        create_dataset(session, dataset("druhy"), base_url=BASE_URL)
    drain_outbox(engine, index)
    late = Session(engine)
    update_dataset(late, "odjezdy-vlaku", dataset(title={"cs": "Pozdní změna názvu"}),
                   base_url=BASE_URL)
    late.flush()  # holds an outbox id, not yet committed
    if engine.dialect.name == "postgresql":
        # A later transaction commits first with a higher outbox id (SQLite has one writer).
        with transaction(engine) as session:
            update_dataset(session, "druhy", dataset("druhy", title={"cs": "Jiná změna"}),
                           base_url=BASE_URL)

    def commit_late(_kind: str, _written: int) -> None:
        if late.in_transaction():
            late.commit()

    reindex(engine, index, progress=commit_late, batch=1)
    late.close()
    drain_outbox(engine, index)
    assert check(engine, index).drift == 0
    assert index.search(SearchQuery(text="pozdni")).total == 1


def test_reindex_never_shows_readers_an_emptied_index(engine: Engine, index: TantivyIndex,
                                                      agents: None) -> None:
    with transaction(engine) as session:
        for n in range(5):
            create_dataset(session, dataset(f"sada-{n}"), base_url=BASE_URL)
    drain_outbox(engine, index)
    seen: list[int] = []
    reindex(engine, index, batch=1,
            progress=lambda _k, _w: seen.append(index.search(
                SearchQuery(kinds=("dataset",))).total))
    assert seen and set(seen) == {5}


def test_renaming_a_publisher_reindexes_its_datasets(engine: Engine, index: TantivyIndex,
                                                     agents: None) -> None:
    with transaction(engine) as session:
        create_dataset(session, dataset(), base_url=BASE_URL)
    drain_outbox(engine, index)
    with transaction(engine) as session:
        upsert_agent(session, {**PUBLISHER, "name": {"cs": "Krajský úřad Libereckého kraje"}},
                     kind=AgentKind.PUBLISHER, base_url=BASE_URL)
    assert drain_outbox(engine, index) == 1
    assert index.search(SearchQuery(text="krajsky urad", kinds=("dataset",))).total == 1
    assert index.search(SearchQuery(text="krajsky urad", kinds=("publisher",))).total == 1
    assert check(engine, index).drift == 0
    with transaction(engine) as session:  # the same values again: nothing queued
        upsert_agent(session, {**PUBLISHER, "name": {"cs": "Krajský úřad Libereckého kraje"}},
                     kind=AgentKind.PUBLISHER, base_url=BASE_URL)
    assert outbox_size(engine) == 0


DYING_DRAIN = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from catalog.db import make_engine
    from catalog.search.tantivy_index import TantivyIndex
    from catalog.search.indexer import drain_outbox

    class DiesAfterWriting(TantivyIndex):
        # A real index whose process is killed right after it wrote, before the outbox rows
        # are deleted: a fault injected at the worst moment.
        def delete(self, keys):
            super().delete(keys)
            os.kill(os.getpid(), signal.SIGKILL)

    drain_outbox(make_engine({url!r}), DiesAfterWriting(Path({path!r})))
""")


def test_drainer_killed_after_indexing_before_dequeuing_recovers(
        engine: Engine, index: TantivyIndex, agents: None, database_url: str) -> None:
    with transaction(engine) as session:
        create_dataset(session, dataset(), base_url=BASE_URL)
        create_dataset(session, dataset("koncept", state="draft"), base_url=BASE_URL)
    root = str(Path(__file__).resolve().parent.parent)
    killed = subprocess.run([sys.executable, "-c", DYING_DRAIN.format(
        root=root, url=database_url, path=str(index.path))], cwd=root, timeout=60,
        capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert outbox_size(engine) == 2, "nothing was dequeued"
    assert index.search(SearchQuery(text="nadrazi")).total == 1, "the index was written"
    assert drain_outbox(engine, index) == 2
    assert check(engine, index).drift == 0 and outbox_size(engine) == 0
