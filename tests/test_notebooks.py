"""The notebooks execute from top to bottom (nbclient), so they never rot.

Each runs in a fresh kernel of this interpreter, with `notebooks/` as its
working folder; the copies committed with their outputs are
left untouched (re-execute them with nbclient to refresh what a forge shows).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import nbclient  # test dependencies (pyproject's `test` extra): a missing one is an error, not a skip
import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# Text each notebook must print: the point it makes.
KEY_OUTPUT = {
    "01-lifecycle.ipynb": ["lifecycle nodes: ['created', 'exited', 'paused', 'removed', 'running']",
                           "running   rm                 remove_running     running",
                           "strongly connected components: 1"],
    "02-layers.ipynb": ["$ docker build -t app:1 .  -> exit 0", "$ docker commit worker app:2  -> exit 0",
                        "D /app/config"],
    "03-state-space.ipynb": ["invariants", "names        1      10       53"],
    "04-conformance.ipynb": ["source: conformance report", "conforms: True"],
    "05-coverage.ipynb": ["source: reports/cover-docker-20.10.json", "the report's edges are the model's: True",
                          "deterministic edges confirmed: 266/266", "0 of them deterministic"],
}


@pytest.fixture(scope="session")
def kernel_name() -> str:
    """The python3 kernel of this interpreter (registered in its prefix when missing)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
        ok = Path(spec.argv[0]).resolve() == Path(sys.executable).resolve() or spec.argv[0] == "python"
    except NoSuchKernel:
        ok = False
    if not ok:
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix"], check=True, capture_output=True)
    return "python3"


def _text(nb) -> str:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                out.append(o.text)
            elif "data" in o and "text/plain" in o.data:
                out.append(o.data["text/plain"])
    return "".join(out)


def test_there_are_five_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01-lifecycle.ipynb", "02-layers.ipynb", "03-state-space.ipynb",
                                           "04-conformance.ipynb", "05-coverage.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes_without_errors(path: Path, kernel_name: str):
    nb = nbformat.read(path, as_version=4)
    # A cell that runs 10 minutes hangs; how fast the notebooks are is bench/explore_speed's business
    # (a wall-clock budget here failed whenever other work loaded the 2 cores).
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name=kernel_name,
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    text = _text(nb)
    for expected in KEY_OUTPUT[path.name]:
        assert expected in text, f"{path.name} did not print {expected!r}"
    if path.name != "04-conformance.ipynb":
        assert any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])), "no figure"


def test_committed_notebooks_carry_their_outputs():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(c.get("execution_count") for c in code), f"{path.name} is committed unexecuted"
        assert not any(o.output_type == "error" for c in code for o in c.outputs), f"{path.name} has an error saved"


def test_the_lifecycle_picture_is_exported_for_the_readme():
    png = ROOT / "docs" / "lifecycle.png"
    assert png.is_file() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
