"""Source adapters, one per technology, behind the ``Source`` interface of ``base``."""

from __future__ import annotations

from collections.abc import Callable

from harvesters.errors import HarvestError
from harvesters.models import HarvestSource, SourceType
from harvesters.sources.base import Source, SourceConfig


def config_of(source: HarvestSource) -> SourceConfig:
    return SourceConfig(name=source.name, type=source.type, url=source.url,
                        publisher=source.publisher, metadata_prefix=source.metadata_prefix,
                        set_spec=source.set_spec, options=dict(source.options or {}))


def _factories() -> dict[str, Callable[[SourceConfig], Source]]:
    from harvesters.sources.ckan import CkanApiSource
    from harvesters.sources.dcat import DcatRdfSource
    from harvesters.sources.dcat_us import DcatUsSource
    from harvesters.sources.lido_file import LidoFileSource
    from harvesters.sources.lkod import LkodSource
    from harvesters.sources.oai import OaiPmhSource

    return {
        SourceType.CKAN: CkanApiSource,
        SourceType.DCAT_US: DcatUsSource,
        SourceType.DCAT: DcatRdfSource,
        SourceType.LKOD: LkodSource,
        SourceType.OAI_PMH: OaiPmhSource,
        SourceType.LIDO: LidoFileSource,
    }


def adapter_for(config: SourceConfig) -> Source:
    """The adapter of ``config.type``."""
    factory = _factories().get(config.type)
    if factory is None:
        raise HarvestError(f"no harvester for source type {config.type!r}")
    return factory(config)
