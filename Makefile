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

# $(call debian,CHECK,PACKAGES,WHAT): PACKAGES installed from Debian unless the shell test CHECK
# passes, for WHAT; where they cannot be installed, those tests are skipped. The package lists are
# fetched only when an install needs them (once on a fresh machine).
define debian
	@$(1) || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  INSTALL="$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(2)"; \
	  echo "installing $(2) for $(3)..."; \
	  ( $$INSTALL || { $$SUDO apt-get update -qq && $$INSTALL; } ) >/dev/null 2>&1 \
	  || echo "$(2) could not be installed: $(3) are skipped"; }
endef

# LibreOffice (headless) opens the synced workbooks in the fidelity tests, and renders them to PDF for
# the chart tests, which poppler-utils (pdftoppm, pdftotext) turns into pictures; its Writer makes the
# agreement's PDF.
libreoffice:
	$(call debian,command -v soffice >/dev/null 2>&1,libreoffice-calc-nogui,the fidelity tests)
	$(call debian,test -e /usr/lib/libreoffice/program/libswlo.so || ! command -v soffice >/dev/null 2>&1,libreoffice-writer-nogui,the agreement's PDF tests)
	$(call debian,command -v pdftoppm >/dev/null 2>&1,poppler-utils,the chart rendering tests)

# Chromium (headless) and its driver, for the phone page's browser tests.
chromium:
	$(call debian,command -v chromedriver >/dev/null 2>&1,chromium chromium-driver,the browser tests)

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
