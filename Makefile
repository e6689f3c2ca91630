# dockspec's two entry points (see README):
#   make run    set up, then run the main job on the embedded model
#   make test   set up (Docker engine included), then run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/dockspec simulate examples/popular.sh
	$(BIN)/dockspec check

# The private engines the tests run on (`dockspec engine list`); each is installed when missing.
ENGINES ?= docker-20.10 docker-26.1 docker-28.5 docker-26.1-containerd docker-28.5-containerd podman-4.3 podman-5.4
# pytest-xdist workers: each starts the engines its tests need; one engine's tests stay in one
# worker (tests/conftest.py), the slowest engines first.  Most of a run waits on engines (stop
# timeouts, sleeps, Podman's 10 s `rm -f`): four workers used 1.2 of the two cores in a
# seven-engine run (README, "The two commands").
# WORKERS=0 runs in one process against engines started beforehand.
WORKERS ?= 4

test: $(STAMP)
	DOCKSPEC_TEST_ENGINES="$(ENGINES)" DOCKSPEC_ENGINE_DIR=$${DOCKSPEC_ENGINE_DIR:-/tmp/dockspec-engine-test} scripts/with-engine.sh --engines "$(ENGINES)" --workers $(WORKERS) $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	for b in bench/*; do [ -x "$$b" ] && $(BIN)/python "$$b"; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
