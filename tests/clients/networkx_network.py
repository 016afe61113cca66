"""Opens twinning's network export (GraphML or GEXF, by the file's extension) with networkx, as a
network analyst would, and prints what it read as JSON: node and edge counts, every node's
attributes and every edge's (issue 17).

usage: networkx_network.py FILE.graphml|FILE.gexf
"""
import json
import sys

import networkx

path = sys.argv[1]
graph = networkx.read_gexf(path) if path.endswith(".gexf") else networkx.read_graphml(path)
print(json.dumps({
    "directed": graph.is_directed(),
    "nodes": {node: data for node, data in graph.nodes(data=True)},
    "edges": [[source, target, data] for source, target, data in graph.edges(data=True)],
    "home_degrees": {node: graph.out_degree(node) for node, data in graph.nodes(data=True) if data.get("home")},
}, ensure_ascii=False, sort_keys=True))
