"""An independent SPARQL client against `twinning serve`: SPARQLWrapper for SELECT and ASK,
rdflib for a CONSTRUCT parsed as Turtle. Usage: python sparqlwrapper_client.py http://HOST:PORT/sparql
Prints one line per check and exits non-zero on the first failure."""

import sys

import rdflib
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

endpoint = sys.argv[1]

client = SPARQLWrapper(endpoint)
client.setReturnFormat(JSON)
client.setQuery(
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?city WHERE { <https://w3id.org/twinning/id/collection/home-cities> skos:member ?city }"
)
cities = sorted(b["city"]["value"] for b in client.query().convert()["results"]["bindings"])
assert len(cities) == 4, cities
print("select:", len(cities), "home cities")

client.setQuery("ASK { <https://w3id.org/twinning/id/city/dakhla> ?p ?o }")
assert client.query().convert()["boolean"] is True
print("ask: true")

client.setReturnFormat(TURTLE)
client.setQuery(
    "PREFIX wdt: <http://www.wikidata.org/prop/direct/> CONSTRUCT { ?a wdt:P190 ?b } WHERE { ?a wdt:P190 ?b }"
)
graph = rdflib.Graph()
graph.parse(data=client.query().convert(), format="turtle")
assert len(graph) > 0, "no P190 pairs"
print("construct:", len(graph), "P190 triples")
