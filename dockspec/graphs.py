"""Projections and queries over explored state graphs, derived from the model, never drawn by hand.

Every function takes a graph first (a state graph from `dockspec.explore.state_graph`,
or a projection of one) and returns new data, networkx style.  The graphs the
model draws:

* `lifecycle(G, name)`: the container lifecycle, one node per status of the
  container `name` (created, running, paused, exited, and removed for "no
  container by that name"); an edge per command that moves it, labelled with
  the command and its outcome; a refusal is a self-loop labelled with its
  error kind.
* `layer_dag(world)`: the layers of a state, the images that stack them, and
  the containers' read-write layers, each with its changes.

The queries: `shortest_script` (the fewest commands that reach a state a
predicate accepts), `dead_ends`, `summary`; `write` exports GraphML, GEXF or
node-link JSON.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import networkx as nx

from model import fs
from model.values import World

__all__ = [
    "STATUSES", "lifecycle", "layer_dag", "shortest_path_to", "shortest_script", "path_lines", "dead_ends",
    "self_loop_only", "summary", "format_summary", "portable", "write", "node_link",
]

# The lifecycle's nodes; "removed" stands for "no container by that name" (before create, after rm).
STATUSES = ("created", "running", "paused", "exited", "removed")


def _status(world: World, name: str) -> str:
    c = world.container_by_name(name)
    return "removed" if c is None else c.status.value


def lifecycle(G: nx.MultiDiGraph, name: str = "ctr1") -> nx.MultiDiGraph:
    """The lifecycle of container `name` as the state graph `G` shows it.

    Each node is a status; each edge is one (verb, outcome) pair seen in `G`
    for a command that targets `name`, with `count` the number of state-graph
    edges it stands for.  Commands that name another container are left out.

    Examples
    --------
    >>> from dockspec.explore import Bounds, base_state, lifecycle_alphabet, state_graph
    >>> G = state_graph(base_state(), Bounds(0, 1, 0, None), lifecycle_alphabet(), invariants=())
    >>> L = lifecycle(G)
    >>> sorted(L)
    ['created', 'exited', 'paused', 'removed', 'running']
    >>> sorted(v for _, v, d in L.out_edges("running", data=True) if d["verb"] == "pause")
    ['paused']
    """
    L = nx.MultiDiGraph(name=f"lifecycle of {name}")
    L.add_nodes_from(STATUSES)
    status = {n: _status(w, name) for n, w in G.nodes(data="world")}
    for u, v, d in G.edges(data=True):
        if name not in d["command"].split():
            continue
        a, b = status[u], status[v]
        key = (d["verb"], d["outcome"])
        if L.has_edge(a, b, key):
            L.edges[a, b, key]["count"] += 1
        else:
            label = d["verb"] if d["outcome"] == "ok" else f"{d['verb']}: {d['outcome']}"
            L.add_edge(a, b, key, verb=d["verb"], outcome=d["outcome"], label=label, count=1)
    return L


def layer_dag(world: World) -> nx.DiGraph:
    """The layers of a state, with the images and containers that stand on them.

    Nodes are `layer:<id>`, `image:<id>` and `container:<name>` (its read-write
    layer), each with `kind`, a short `label` and `changes`, the `docker diff`
    style lines of what it adds to what is below it (images add nothing).
    Edges point from what stands on top to what it stands on, `rel` telling
    how: "parent" (a layer on its parent layer, an image on its parent
    image), "top" (an image or a container on its topmost layer) or
    "image" (a container on its image).

    Examples
    --------
    >>> from dockspec.explore import base_state
    >>> D = layer_dag(base_state())
    >>> sorted(d["kind"] for _, d in D.nodes(data=True))
    ['image', 'layer']
    >>> [d["label"] for _, d in D.nodes(data=True) if d["kind"] == "image"]
    ['base:1']
    """
    D = nx.DiGraph()
    views: dict[str, object] = {}

    def view(lid: str | None):
        if lid is None:
            return fs.EMPTY
        if lid not in views:
            layer = world.layers[lid]
            views[lid] = fs.apply(view(layer.parent), layer.changes)
        return views[lid]

    for lid, layer in world.layers.items():
        lines = fs.diff(view(layer.parent), layer.changes)
        D.add_node(f"layer:{lid}", kind="layer", label=f"{lid[:8]} ({len(lines)} changes)", changes="\n".join(lines),
                   size=layer.size)
    for lid, layer in world.layers.items():
        if layer.parent is not None:
            D.add_edge(f"layer:{lid}", f"layer:{layer.parent}", rel="parent")
    for img in world.images_newest_first():
        tags = world.image_tags(img.id)
        label = ", ".join(t.removesuffix(":latest") for t in tags) or f"<none> {img.short_id[:8]}"
        D.add_node(f"image:{img.id}", kind="image", label=label, changes="", tags=" ".join(tags),
                   history=len(img.history))
        if img.layers:
            D.add_edge(f"image:{img.id}", f"layer:{img.layers[-1]}", rel="top")
        if img.parent and img.parent in world.images:
            D.add_edge(f"image:{img.id}", f"image:{img.parent}", rel="parent")
    for c in world.containers_newest_first():
        lines = fs.diff(world.container_view(c), c.rw)
        D.add_node(f"container:{c.name}", kind="container", label=f"{c.name} ({c.status.value})",
                   changes="\n".join(lines), status=c.status.value)
        if c.layers:
            D.add_edge(f"container:{c.name}", f"layer:{c.layers[-1]}", rel="top")
        if c.image in world.images:
            D.add_edge(f"container:{c.name}", f"image:{c.image}", rel="image")
    return D


def shortest_path_to(G: nx.MultiDiGraph, predicate: Callable[[World], bool], source: int = 0) -> list[int] | None:
    """The shortest path of states from `source` to a state whose world `predicate` accepts.

    Examples
    --------
    >>> from dockspec.explore import Bounds, base_state, lifecycle_alphabet, state_graph
    >>> G = state_graph(base_state(), Bounds(0, 1, 0, None), lifecycle_alphabet(), invariants=())
    >>> len(shortest_path_to(G, lambda w: any(c.status.value == "paused" for c in w.containers.values())))
    3
    """
    for layer in nx.bfs_layers(G, source):
        for node in layer:
            if predicate(G.nodes[node]["world"]):
                return nx.shortest_path(G, source, node)
    return None


def path_lines(G: nx.MultiDiGraph, path: list[int]) -> list[str]:
    """The command lines along a path of states (the first edge's command at each step).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge(0, 1, command="docker create --name ctr1 base:1 true")
    0
    >>> path_lines(G, [0, 1])
    ['docker create --name ctr1 base:1 true']
    """
    lines = []
    for u, v in zip(path, path[1:]):
        lines.append(min(d["command"] for d in G.get_edge_data(u, v).values()))
    return lines


def shortest_script(G: nx.MultiDiGraph, predicate: Callable[[World], bool], source: int = 0) -> list[str] | None:
    """The fewest docker command lines that take `source` to a state `predicate` accepts.

    Examples
    --------
    >>> from dockspec.explore import Bounds, base_state, lifecycle_alphabet, state_graph
    >>> G = state_graph(base_state(), Bounds(0, 1, 0, None), lifecycle_alphabet(), invariants=())
    >>> shortest_script(G, lambda w: any(c.status.value == "paused" for c in w.containers.values()))
    ['docker run -d --name ctr1 base:1 sleep 1000', 'docker pause ctr1']
    """
    path = shortest_path_to(G, predicate, source)
    return None if path is None else path_lines(G, path)


def self_loop_only(G: nx.MultiDiGraph, node: object) -> bool:
    """True when every edge out of `node` leads back to it."""
    return all(v == node for _, v in G.out_edges(node))


def dead_ends(G: nx.MultiDiGraph) -> list[object]:
    """Expanded states from which no command leads anywhere else.

    States left unexpanded at the depth bound (`G.graph["frontier"]`) are not
    dead ends: nobody tried.

    Examples
    --------
    >>> G = nx.MultiDiGraph([(0, 1), (1, 1), (0, 2)])
    >>> G.graph["frontier"] = (2,)
    >>> dead_ends(G)
    [1]
    """
    frontier = set(G.graph.get("frontier", ()))
    return [n for n in G if n not in frontier and self_loop_only(G, n)]


def summary(G: nx.MultiDiGraph) -> dict:
    """What an exploration found, as plain data (the `dockspec explore --json` output).

    Examples
    --------
    >>> from dockspec.explore import Bounds, base_state, lifecycle_alphabet, state_graph
    >>> G = state_graph(base_state(), Bounds(0, 1, 0, None), lifecycle_alphabet(), invariants=())
    >>> s = summary(G)
    >>> s["states"], s["strongly_connected_components"], s["dead_ends"], s["complete"]
    (7, 1, 0, True)
    """
    bounds = G.graph.get("bounds")
    timing = G.graph.get("timing")
    sccs = nx.number_strongly_connected_components(G)
    orbit = sum(d.get("orbit", 1) for _, d in G.nodes(data=True))
    violation = G.graph.get("violation")
    seconds = timing.total if timing is not None else None
    return {
        "bounds": {"images": bounds.images, "containers": bounds.containers, "files": bounds.files,
                   "depth": bounds.depth} if bounds is not None else None,
        "symmetry": G.graph.get("symmetry"),
        "dialect": G.graph.get("dialect"),
        "states": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "self_loops": nx.number_of_selfloops(G),
        "strongly_connected_components": sccs,
        "dead_ends": len(dead_ends(G)),
        "frontier": len(G.graph.get("frontier", ())),
        "complete": G.graph.get("complete"),
        "levels": G.graph.get("levels"),
        "pruned": G.graph.get("pruned", 0),
        "name_labelled_states": orbit,
        "symmetry_reduction": round(orbit / G.number_of_nodes(), 3),
        "invariants": list(G.graph.get("invariants", ())),
        "invariants_held": violation is None,
        "violation": None if violation is None else {"node": violation.node, "failures": [list(f) for f in violation.failures],
                                                     "lines": list(violation.lines)},
        "seconds": None if seconds is None else round(seconds, 3),
        "states_per_second": None if not seconds else round(G.number_of_nodes() / seconds, 1),
        "timing": timing.as_dict() if timing is not None else None,
    }


def format_summary(s: dict) -> str:
    """The summary as the lines `dockspec explore` prints."""
    b = s["bounds"]
    depth = "unbounded" if b["depth"] is None else b["depth"]
    lines = [
        f"bound:        images {b['images']}, containers {b['containers']}, files {b['files']}, depth {depth}",
        *([f"dialect:      {s['dialect']}"] if s.get("dialect") else []),
        f"states:       {s['states']}  ({'complete: nothing new beyond' if s['complete'] else str(s['frontier']) + ' left unexpanded at the bound'})",
        f"edges:        {s['edges']}  ({s['self_loops']} self-loops: refusals and no-ops)",
        f"components:   {s['strongly_connected_components']} strongly connected",
        f"dead ends:    {s['dead_ends']}",
        f"pruned:       {s['pruned']} commands past the image bound",
        f"symmetry:     {s['symmetry']}: {s['states']} canonical states stand for {s['name_labelled_states']} name-labelled states (x{s['symmetry_reduction']})",
    ]
    names = s["invariants"]
    if s["invariants_held"]:
        lines.append(f"invariants:   {len(names)} held on every state: {', '.join(names)}")
    else:
        failed = ", ".join(n for n, _ in s["violation"]["failures"])
        lines.append(f"invariants:   VIOLATED: {failed}")
    if s["seconds"] is not None:
        lines.append(f"time:         {s['seconds']:.2f} s ({s['states_per_second']:.0f} states/s)")
    if s.get("out"):
        lines.append(f"written:      {s['out']}")
    return "\n".join(lines)


def portable(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of `G` with only string and int attributes, which GraphML and GEXF can hold.

    Nodes become strings; a node keeps its `label`, `depth` and `orbit`, and
    the states' containers as a `containers` string.

    Examples
    --------
    >>> from dockspec.explore import Bounds, base_state, state_graph
    >>> P = portable(state_graph(base_state(), Bounds(0, 1, 0, 1), invariants=()))
    >>> sorted(P.nodes["0"].items())
    [('depth', 0), ('label', 'base:1'), ('orbit', 1)]
    """
    P = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        P.add_node(str(n), **{k: v for k, v in d.items() if isinstance(v, (str, int)) and not isinstance(v, bool)})
    for u, v, k, d in G.edges(keys=True, data=True):
        P.add_edge(str(u), str(v), key=str(k), **{a: b for a, b in d.items() if isinstance(b, (str, int))})
    for k, v in G.graph.items():
        if isinstance(v, (str, int)) and not isinstance(v, bool):
            P.graph[k] = v
    return P


def node_link(G: nx.MultiDiGraph) -> dict:
    """JSON node-link data of the portable graph."""
    return nx.node_link_data(portable(G), edges="edges")


def write(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write `G` as GraphML (.graphml), GEXF (.gexf) or node-link JSON (.json), by extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".graphml":
        nx.write_graphml(portable(G), path)
    elif suffix == ".gexf":
        nx.write_gexf(portable(G), path)
    elif suffix == ".json":
        path.write_text(json.dumps(node_link(G), indent=1) + "\n")
    else:
        raise ValueError(f"unknown graph format {suffix!r}: use .graphml, .gexf or .json")
