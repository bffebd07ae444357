"""Rendered API records of datasets kept per process, keyed by what they are rendered from (the
dataset's and its publisher's last change), so a page of unchanged datasets is neither loaded
nor rendered again. A change to either gives a new key: nothing needs invalidating."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from flask import current_app

from catalog import batches
from catalog.models import RecordState
from catalog.queries import DatasetView
from portal.state import db_session

T = TypeVar("T")
MAX_ITEMS = 2048  # measured 8 kB a CKAN package, 15 kB a REST record: at most ~30 MB a worker


class RenderCache:
    """A bounded least-recently-used map, safe for a threaded server. Its values are shared:
    callers serialise them and never change them."""

    def __init__(self, size: int = MAX_ITEMS) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def rendered_datasets(
    kind: str,
    ids: Sequence[int],
    render: Callable[[list[DatasetView]], list[T]],
    *,
    states: tuple[str, ...] = (RecordState.PUBLISHED,),
) -> list[T]:
    """The datasets ``ids`` in ``states`` rendered by ``render`` (``kind`` names the rendering),
    in the order of ``ids``; only those not rendered since their last change are loaded."""
    if not ids:
        return []
    session = db_session()
    cache: RenderCache = current_app.extensions.setdefault("api_render_cache", RenderCache())
    keys = {
        dataset_id: (kind, dataset_id, *version)
        for dataset_id, version in batches.dataset_versions(session, ids).items()
        if version[1] in states
    }
    found = {dataset_id: cache.get(key) for dataset_id, key in keys.items()}
    missing = [dataset_id for dataset_id, value in found.items() if value is None]
    if missing:
        views = batches.dataset_views(session, missing, states=states)
        for view, value in zip(views, render(views), strict=True):
            dataset_id = view.dataset.id or 0
            cache.put(keys[dataset_id], value)
            found[dataset_id] = value
    return [value for dataset_id in ids if (value := found.get(dataset_id)) is not None]
