# The two set-up commands are `make site` and `make test`; everything they need is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the build and the tests need (installed with apt-get when run as root).
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils \
	chromium openjdk-17-jre-headless
# The browser checks' tools from the npm registry (package.json): axe-core and the Nu Html Checker for
# `make test`; Lighthouse (a devDependency) only for `make lighthouse`.
NPM := npm --no-audit --no-fund --loglevel=error

.PHONY: site test check serve bench bench-serve bench-calendar lint update-golden schemas system-deps clean lighthouse linkcheck

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@

system-deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Installera dessa Debian-paket först: $$missing"; exit 1; fi; \
	fi

node_modules/.installed: package.json package-lock.json
	$(NPM) ci --omit=dev --ignore-scripts
	touch $@

# A full install (with Lighthouse) is a superset of the test install, so it marks both as done.
node_modules/.lighthouse: package.json package-lock.json
	$(NPM) ci --ignore-scripts
	touch node_modules/.installed $@

site: system-deps $(VENV)/.installed
	$(BIN)/python build.py

check: $(VENV)/.installed
	$(BIN)/sitegen check

serve: $(VENV)/.installed
	$(BIN)/sitegen serve $(if $(PORT),--port $(PORT))

# Save -> reloaded page in the preview (a real headless Chromium when /usr/bin/chromium is there).
bench-serve: $(VENV)/.installed
	$(BIN)/python benchmarks/preview_loop.py
	$(if $(wildcard /usr/bin/chromium),$(BIN)/python benchmarks/preview_loop.py --browser)

test: system-deps $(VENV)/.installed node_modules/.installed
	$(BIN)/pytest

# Times sitegen at three sizes against Hugo, Hugo + Pagefind and `hugo server` (save → served) on the same
# 1,000 pages, and the preview's save → served for one page and for one event of 2,000; prints a table
# (not part of `make test`).
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py

# Lighthouse's four category scores for the start page, the calendar and one event page (not part of `make test`).
lighthouse: system-deps $(VENV)/.installed node_modules/.lighthouse
	$(BIN)/python tests/tools/lighthouse.py

# External links of the built site: a report, never a failed build (the other sites are not ours to fix).
linkcheck: $(VENV)/.installed
	$(BIN)/python tests/tools/linkcheck.py

# JSON Schemas for editors, from the content models; a test fails when the committed ones are stale.
schemas: $(VENV)/.installed
	$(BIN)/sitegen schema --out schemas

update-golden: $(VENV)/.installed
	UPDATE_GOLDEN=1 $(BIN)/pytest tests/test_golden.py

bench-calendar: system-deps $(VENV)/.installed
	$(BIN)/python benchmarks/bench_calendar.py

lint: $(VENV)/.installed
	$(BIN)/ruff check sitegen tests build.py benchmarks
	$(BIN)/mypy

clean:
	rm -rf public .pytest_cache node_modules .sitegen-cache benchmarks/work
