"""The hackathon page's quickstarts: short programs for curl, Python (requests, ckanapi) and
SPARQL over the catalog dump. They are data, so the page shows exactly what the test runs."""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    return message


@dataclass(frozen=True)
class Quickstart:
    key: str
    title: str  # a msgid, translated on the page
    language: str  # "shell" or "python"
    code: str  # {base} is replaced by the portal's public base URL


QUICKSTARTS: tuple[Quickstart, ...] = (
    Quickstart("curl", N_("Search datasets with curl"), "shell", """\
curl -s '{base}/api/3/action/package_search?q=doprava&rows=5'
curl -s -H 'If-None-Match: "x"' '{base}/api/v1/datasets?theme=TRAN&limit=2'
"""),
    Quickstart("requests", N_("Page through the REST API with Python requests"), "python", """\
import requests

url = "{base}/api/v1/datasets?theme=TRAN&limit=50"
titles = []
while url:
    page = requests.get(url, timeout=30).json()
    titles += [item["title"]["cs"] for item in page["items"]]
    url = page["next"]  # None on the last page
print(len(titles), titles[:3])
"""),
    Quickstart("ckanapi", N_("Use the CKAN client ckanapi"), "python", """\
import ckanapi

portal = ckanapi.RemoteCKAN("{base}")
result = portal.action.package_search(fq="groups:tran", rows=3,
                                      **{{"facet.field": ["organization", "res_format"]}})
print(result["count"], [p["name"] for p in result["results"]])
print(portal.action.organization_list(all_fields=True)[0]["title"])
"""),
    Quickstart("sparql", N_("Query the whole catalog with SPARQL (rdflib, from the Turtle dump)"),
               "python", """\
import gzip, urllib.request
from rdflib import Graph

data = urllib.request.urlopen("{base}/dumps/catalog.ttl.gz", timeout=60).read()
graph = Graph().parse(data=gzip.decompress(data), format="turtle")
query = '''
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?theme (COUNT(?dataset) AS ?datasets) WHERE {{
  ?dataset a dcat:Dataset ; dcat:theme ?theme .
}} GROUP BY ?theme ORDER BY DESC(?datasets)
'''
for theme, count in graph.query(query):
    print(count, theme)
"""),
)


def rendered(base_url: str) -> list[tuple[Quickstart, str]]:
    """Each quickstart with its code for this portal."""
    return [(q, q.code.format(base=base_url)) for q in QUICKSTARTS]
