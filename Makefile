# Every target builds .venv itself: a fresh clone needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench lint samples clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip > $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	$(PY) -m pip install --quiet -e '.[dev]' >> $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p build
	@cp sample_workbooks/exemple-laurent.xlsx build/demo.xlsx
	@rm -f build/demo.xlsx.bak
	$(VENV)/bin/sheetsync sync build/demo.xlsx --as-of 2025-12-31
	$(VENV)/bin/sheetsync report build/demo.xlsx --as-of 2025-12-31

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/bench.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check sheetsync

samples: $(STAMP)
	$(PY) sample_workbooks/build.py

clean:
	rm -rf $(VENV) build .pytest_cache
