"""Loads an N-Quads export into rdflib, another SPARQL engine, and runs a query file on it.

Usage: python other_engine.py EXPORT.nq QUERY.rq

The default graph is the union of the named graphs, as in twinning and in Oxigraph's server with
union-default-graph. Prints the results as SPARQL 1.1 JSON on standard output, so that the caller
can compare them with twinning's own answer.
"""

import sys

import rdflib


def main() -> None:
    export, query_file = sys.argv[1], sys.argv[2]
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(export, format="nquads")
    with open(query_file, encoding="utf-8") as query:
        results = dataset.query(query.read())
    sys.stdout.write(results.serialize(format="json").decode("utf-8"))


if __name__ == "__main__":
    main()
