# Every target builds .venv itself: a fresh clone needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench lint samples clean libreoffice chromium catalogues pictures

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

test: $(STAMP) libreoffice chromium lint
	$(PY) -m pytest -q

# LibreOffice (headless) opens the synced workbooks in the fidelity tests, and renders them to PDF for
# the chart test, which poppler-utils (pdftoppm, pdftotext) turns into pictures; its Writer makes the
# agreement's PDF. Installed once, from Debian.
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing LibreOffice Calc (headless) for the fidelity tests..."; \
	  ( $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	      --no-install-recommends libreoffice-calc-nogui ) >/dev/null 2>&1 \
	  || echo "LibreOffice could not be installed: the tests that need it are skipped"; }
	@ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing LibreOffice Writer (headless) for the agreement's PDF..."; \
	  ( $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	      --no-install-recommends libreoffice-writer-nogui ) >/dev/null 2>&1 \
	  || echo "LibreOffice Writer could not be installed: the agreement's PDF test is skipped"; }
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing poppler-utils (pdftoppm) for the chart rendering test..."; \
	  ( $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	      --no-install-recommends poppler-utils ) >/dev/null 2>&1 \
	  || echo "poppler-utils could not be installed: the chart rendering test is skipped"; }

# Chromium (headless) and its driver, from Debian, for the phone page's browser tests; installed once.
chromium:
	@command -v chromedriver >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing Chromium (headless) and chromium-driver for the browser tests..."; \
	  ( $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	      --no-install-recommends chromium chromium-driver ) >/dev/null 2>&1 \
	  || echo "Chromium could not be installed: the browser tests are skipped"; }

bench: $(STAMP)
	$(PY) bench/bench.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check sheetsync
	$(VENV)/bin/lint-imports --no-cache

# The charts shown in the README and docs/, cut from the sample workbook as LibreOffice prints it.
pictures: $(STAMP) libreoffice
	$(PY) docs/pictures.py

samples: $(STAMP)
	$(PY) sample_workbooks/build.py

clean:
	rm -rf $(VENV) build .pytest_cache

# Every sentence marked t(lang, ...), tn(lang, ...) or N_(...) into the template, then into each
# language's catalogue (new sentences appear untranslated there: the catalogue test fails until
# they are translated), then compiled to the .mo files the package ships.
I18N := sheetsync/i18n
catalogues: $(STAMP)
	$(VENV)/bin/pybabel -q extract -k t:2 -k tn:2,3 -k N_ --no-location --sort-output \
	  --project sheetsync --copyright-holder "sheetsync" -o $(I18N)/sheetsync.pot sheetsync
	$(VENV)/bin/pybabel -q update -i $(I18N)/sheetsync.pot -d $(I18N)/locale -D sheetsync --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel -q compile -d $(I18N)/locale -D sheetsync --statistics
