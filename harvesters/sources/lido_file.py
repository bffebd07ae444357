"""LIDO file source: one ``lido:lido`` or a ``lido:lidoWrap`` of many, from an http(s) URL or a
local path (an upload saved by the museum import), streamed record by record; a URL is fetched
with a conditional GET."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from harvesters.errors import FetchError
from harvesters.http import HttpClient
from harvesters.sources.base import Item, RunState, SourceConfig
from harvesters.sources.museum_records import LIDO, LIDO_WRAP, lido_item
from harvesters.xml import iter_elements


class LidoFileSource:
    """Streams a LIDO document with ``harvesters.xml.iter_elements`` (flat memory)."""

    incremental = False

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self.institution = config.publisher or ""

    def items(self, http: HttpClient, state: RunState) -> Iterator[Item]:
        url = self.config.url
        if url.startswith("/"):
            path = Path(url)
            if not path.is_file():
                raise FetchError(url, "no such file")
            with path.open("rb") as local:
                yield from self._records(local)
        else:
            # Conditional GET: an unchanged file (304) is not read again; the whole source
            # is then as it was at the last read.
            with http.stream(url, headers={"Accept": "application/xml, text/xml"},
                             validators=state.validators.get(url)) as remote:
                if remote.not_modified:
                    state.not_modified = True
                    return
                yield from self._records(remote)
            state.validators[url] = remote.validators
        state.complete = True

    def _records(self, stream: object) -> Iterator[Item]:
        elements = iter_elements(stream, [LIDO], roots=[LIDO_WRAP, LIDO])  # type: ignore[arg-type]
        for number, element in enumerate(elements, start=1):
            yield lido_item(element, institution=self.institution, number=number)
