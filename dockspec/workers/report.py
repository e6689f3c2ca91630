"""Many workers' reports as one: verdict and exit status, divergences, coverage, JUnit.

* The merged verdict is the gravest of the workers' (a dockspec bug, then an
  engine fault, then a divergence, then `conforms`), and the exit status is
  its status (3, 2, 1, 0), so a campaign where one engine died exits 2 even
  when the other workers conformed; every worker's own verdict is listed.
* Divergences are listed once per distinct script (workers sharing a database
  often find the same one).
* Coverage, and any other per-worker table of counts, is summed key by key
  (`merge_counts`), whatever fields the conformance report carries.
* Throughput is steps of all workers over the pool's wall-clock time.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

GRAVITY = {"conforms": 0, "diverges": 1, "engine_fault": 2, "dockspec_bug": 3}


def merge_counts(a, b):
    """Two JSON values merged: numbers added, dicts merged key by key, equal values kept, lists joined.

    >>> merge_counts({"rm": {"outcomes": {"ok": 2}, "status": "ok"}}, {"rm": {"outcomes": {"ok": 1, "x": 1}, "status": "never refused"}})
    {'rm': {'outcomes': {'ok': 3, 'x': 1}, 'status': ['ok', 'never refused']}}
    """
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, bool) or isinstance(b, bool):
        return a if a == b else [a, b]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a + b
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: merge_counts(a.get(k), b.get(k)) for k in {**a, **b}}
    if isinstance(a, list) and isinstance(b, list):
        return a + [x for x in b if x not in a]
    if a == b:
        return a
    return (a if isinstance(a, list) else [a]) + [b]


def coverage_status(outcomes: dict) -> str:
    """A verb's merged status from its merged outcomes, as `spec.coverage.Coverage.status` words it."""
    if not outcomes:
        return "never run"
    succeeded, refused = "ok" in outcomes, any(o != "ok" for o in outcomes)
    return "ok" if succeeded and refused else ("never refused" if succeeded else "never succeeded")


def merge_coverage(tables: list[dict]) -> dict:
    merged: dict = {}
    for t in tables:
        merged = merge_counts(merged, t)
    for verb, row in merged.items():  # the status of the sum, not a list of the workers' statuses
        statuses = row.get("status") if isinstance(row, dict) else None
        if isinstance(statuses, list) or isinstance(statuses, str):
            words = statuses if isinstance(statuses, list) else [statuses]
            exempt = next((w for w in words if isinstance(w, str) and w.startswith(("exempt", "skipped"))), None)
            row["status"] = exempt or coverage_status(row.get("outcomes") or {})
    return merged


@dataclass
class Merged:
    """The campaign's report."""

    workers: list[dict]
    wall: float
    verdict: str = "conforms"
    exit: int = 0
    steps: int = 0
    coverage: dict = field(default_factory=dict)
    divergences: list[dict] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.steps / self.wall if self.wall else 0.0

    def to_json(self) -> dict:
        return {"verdict": self.verdict, "exit": self.exit, "conforms": self.verdict == "conforms",
                "workers": len(self.workers), "steps": self.steps, "seconds": round(self.wall, 2),
                "steps_per_second": round(self.rate, 2), "divergences": self.divergences,
                "coverage": self.coverage,
                "per_worker": [{k: v for k, v in w.items() if k not in ("coverage", "divergent_scripts")}
                               for w in self.workers]}

    def text(self) -> str:
        lines = [f"{self.verdict}: {len(self.workers)} workers, {self.steps} steps in {self.wall:.1f}s "
                 f"({self.rate:.1f} steps/s)"]
        for w in self.workers:
            where = w.get("url") or w.get("engine_dir") or "?"
            lines.append(f"  worker {w.get('index')}: {w.get('verdict'):<12} {w.get('steps', 0):>5} steps "
                         f"{w.get('examples', 0):>3} examples  {where}")
        for d in self.divergences:
            lines.append(f"DIVERGES (worker {', '.join(map(str, d['workers']))})\n{d['aspect']} differs\n"
                         f"--- script ---\n{d['script']}\n--- model ---\n{json.dumps(d['model'], indent=1, default=str)}"
                         f"\n--- engine ---\n{json.dumps(d['engine'], indent=1, default=str)}"
                         + (f"\n--- note ---\n{d['note']}" if d.get("note") else ""))
        for w in self.workers:
            if w.get("verdict") in ("engine_fault", "dockspec_bug"):
                head = "ENGINE FAULT (the engine failed; not a divergence)" if w["verdict"] == "engine_fault" \
                    else "DOCKSPEC BUG (not the engine, not a divergence)"
                lines.append(f"{head}: worker {w.get('index')} ({w.get('url') or w.get('engine_dir')})\n"
                             f"{w.get('error', '')}")
        return "\n".join(lines)

    def junit(self, path: str) -> None:
        """One test case per worker: a divergence is a JUnit failure, an engine fault or bug an error."""
        from xml.sax.saxutils import escape, quoteattr

        cases = []
        for w in self.workers:
            word = w.get("verdict", "dockspec_bug")
            tag = {"conforms": "", "diverges": "failure"}.get(word, "error")
            message = w.get("message") or w.get("error") or ""
            body = f"<{tag} type={quoteattr(word)} message={quoteattr(word)}>{escape(message)}</{tag}>" if tag else ""
            cases.append(f'<testcase classname="dockspec.worker" name={quoteattr("worker-%s" % w.get("index"))} '
                         f'time="{float(w.get("seconds") or 0):.2f}">{body}</testcase>')
        failures = sum(w.get("verdict") == "diverges" for w in self.workers)
        errors = sum(w.get("verdict") in ("engine_fault", "dockspec_bug") for w in self.workers)
        xml = (f'<?xml version="1.0"?>\n<testsuite name="dockspec.conform" tests="{len(self.workers)}" '
               f'failures="{failures}" errors="{errors}" time="{self.wall:.2f}">{"".join(cases)}</testsuite>\n')
        with open(path, "w") as f:
            f.write(xml)


def merge(reports: list[dict], wall: float) -> Merged:
    """The workers' reports (in worker order) as one."""
    reports = sorted(reports, key=lambda r: r.get("index") or 0)
    worst = max(reports, key=lambda r: GRAVITY.get(r.get("verdict"), 3), default=None)
    verdict = worst.get("verdict", "dockspec_bug") if worst else "conforms"
    if verdict not in GRAVITY:
        verdict = "dockspec_bug"
    seen: dict[str, dict] = {}
    for r in reports:
        d = r.get("divergence")
        if d:
            entry = seen.setdefault(d["script"], {**d, "workers": []})
            entry["workers"].append(r.get("index"))
    return Merged(workers=reports, wall=wall, verdict=verdict, exit=GRAVITY[verdict],
                  steps=sum(int(r.get("steps") or 0) for r in reports),
                  coverage=merge_coverage([r["coverage"] for r in reports if r.get("coverage")]),
                  divergences=sorted(seen.values(), key=lambda d: len(d["script"])))
