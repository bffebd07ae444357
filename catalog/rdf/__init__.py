"""Linked data: the DCAT-AP 3 and DCAT-AP-CZ (LKOD) profiles, both directions, and streaming
serializers. The harvesters' entry points are re-exported here."""

from catalog.rdf.contexts import CONTEXT_2021, CONTEXT_2024, UnknownContext, with_local_context
from catalog.rdf.dcat_ap_cz import (
    catalog_to_lkod,
    dataset_to_lkod,
    lkod_to_graph,
    parse_lkod_catalog,
)
from catalog.rdf.parse import (
    RdfSyntaxError,
    default_publisher_slug,
    iter_datasets,
    parse_dataset_graph,
    parse_lkod_dataset,
    parse_publisher,
    parse_rdf,
)
from catalog.rdf.records import (
    AgentRecord,
    CatalogRecord,
    DatasetRecord,
    DistributionRecord,
    record_from_input,
)

__all__ = [
    "CONTEXT_2021", "CONTEXT_2024", "AgentRecord", "CatalogRecord", "DatasetRecord",
    "DistributionRecord", "RdfSyntaxError", "UnknownContext", "catalog_to_lkod",
    "dataset_to_lkod", "default_publisher_slug", "iter_datasets", "lkod_to_graph",
    "parse_dataset_graph", "parse_lkod_catalog", "parse_lkod_dataset", "parse_publisher",
    "parse_rdf", "record_from_input", "with_local_context",
]
