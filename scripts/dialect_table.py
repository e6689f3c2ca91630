#!/usr/bin/env python3
"""Turn `dockspec replay --private NAME --json` output into rows of differences.

    scripts/dialect_table.py [--markdown] OUT.jsonl...   (one file per replay script, as `replay --json` writes)

Prints one JSON row per difference: {script, line, text, aspect, model, engine, kind}.
To keep the record readable:
  * the `localhost/` prefix Podman puts on every short name is reported once per
    script (aspect `ref`) and then removed from the engine's snapshot and stdout;
  * a snapshot key that differs is reported on the line where it starts to differ
    (or changes how it differs), not again on every later line it carries over to.
`kind` is a first guess (wording, policy, size, adapter, ref), reviewed by hand in
docs/dialects/podman.md.
"""
from __future__ import annotations

import json
import re
import sys

LOCALHOST = re.compile(r"\blocalhost/")
SIZE = re.compile(r"^\d+(\.\d+)?\s?[kMG]?B$")


def _unref(x):
    return json.loads(LOCALHOST.sub("", json.dumps(x)))


def _sizes_only(m, e) -> bool:
    """m and e are equal except for fields that look like sizes."""
    def strip(v):
        if isinstance(v, list):
            return [strip(x) for x in v]
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items()}
        if isinstance(v, str) and SIZE.match(v):
            return "<size>"
        return v
    return strip(m) == strip(e)


def rows(lines: list[dict]):
    prev: dict[str, tuple] = {}
    ref_said = False
    for r in lines:
        base = {"script": r["script"].split("/")[-1], "line": r["line"], "text": r["text"]}
        m, e = r["model"], r["engine"]
        if not ref_said and "localhost/" in json.dumps(e["state"]) + e["stdout"]:
            ref_said = True
            yield {**base, "aspect": "ref", "model": "base:1", "engine": "localhost/base:1", "kind": "ref"}
        es, ms = _unref(e["state"]), m["state"]
        if "exit" in r["differs"]:
            yield {**base, "aspect": "exit", "model": m["exit"], "engine": e["exit"], "kind": "policy"}
        if "error_kind" in r["differs"] or ("exit" in r["differs"] and (m["stderr"] or e["stderr"])):
            kind = "wording" if m["error_kind"] and e["error_kind"] is None and e["exit"] else "policy"
            yield {**base, "aspect": "error", "model": f"{m['error_kind']}: {m['stderr'].strip()}",
                   "engine": f"{e['error_kind']}: {e['stderr'].strip()}", "kind": kind}
        if "stdout" in r["differs"]:
            mo, eo = m["stdout"], LOCALHOST.sub("", e["stdout"])
            if mo != eo:
                yield {**base, "aspect": "stdout", "model": mo, "engine": eo,
                       "kind": "size" if _sizes_only(mo.split(), eo.split()) else "wording"}
        for k in ms:
            now = (json.dumps(ms[k], sort_keys=True), json.dumps(es.get(k), sort_keys=True))
            if now[0] == now[1]:
                prev.pop(k, None)
                continue
            if prev.get(k) == _delta(ms[k], es.get(k)):
                continue
            prev[k] = _delta(ms[k], es.get(k))
            yield {**base, "aspect": f"state.{k}", "model": _only_diff(ms[k], es.get(k)),
                   "engine": _only_diff(es.get(k), ms[k]),
                   "kind": "size" if _sizes_only(ms[k], es.get(k)) else "state"}


def _only_diff(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: v for k, v in a.items() if b.get(k) != v}
    if isinstance(a, list) and isinstance(b, list):
        return [x for x in a if x not in b]
    return a


def _delta(a, b):
    return json.dumps([_only_diff(a, b), _only_diff(b, a)], sort_keys=True)


def _cell(v, width: int = 140) -> str:
    text = v if isinstance(v, str) else json.dumps(v)
    text = text.replace("\n", " ⏎ ").replace("|", "\\|").replace("`", "'")
    return text if len(text) <= width else text[: width - 1] + "…"


def markdown(all_rows: list[dict]) -> str:
    out = ["| replay:line | command | aspect | 20.10 model says | engine says | kind |",
           "| --- | --- | --- | --- | --- | --- |"]
    for r in all_rows:
        out.append(f"| {r['script'][:2]}:{r['line']} | `{_cell(r['text'], 70)}` | {r['aspect']} | "
                   f"{_cell(r['model'])} | {_cell(r['engine'])} | {r['kind']} |")
    return "\n".join(out) + "\n"


def reclassify(r: dict) -> dict:
    """Mark the rows where the socket answers differently from what dockspec's adapter and
    observer expect (dockspec's to fix, not dialect facts)."""
    m, e, a = r["model"], r["engine"], r["aspect"]
    verb = r["text"].split()[1] if len(r["text"].split()) > 1 else ""
    if a == "state.images" and isinstance(m, dict) and isinstance(e, dict) and set(m) - set(e) \
            and verb in ("commit", "build", "load"):
        r["kind"] = "adapter"  # tags come back as localhost/dsk-...: the observer's prefix test misses them
    elif a == "state.containers" and '"stopped"' in json.dumps(e):
        r["kind"] = "adapter"  # the compat API's "stopped" (exited, not yet cleaned up) is not mapped
    elif a == "state.history" and '"?' in json.dumps(e):
        r["kind"] = "adapter+state"  # history ids the bijection cannot map, and podman's own rows
    elif a == "error" and isinstance(e, str) and e.startswith("paused:") and "as it is running" in e:
        r["kind"] = "adapter"  # the classifier reads "running or paused" as paused
    return r


def main(argv: list[str]) -> None:
    md = argv[:1] == ["--markdown"]
    collected = []
    for p in argv[1:] if md else argv:
        with open(p) as f:
            lines = [json.loads(l) for l in f if l.strip()]
        collected += [reclassify(r) for r in rows(lines)]
    if md:
        print(markdown(collected), end="")
    else:
        for row in collected:
            print(json.dumps(row))


if __name__ == "__main__":
    main(sys.argv[1:])
