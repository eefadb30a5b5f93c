# SENDesk. The two commands a newcomer needs are `make run` and `make test`; everything
# they need is installed from here (a new machine has only Python, pip, gcc and git).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast browser-deps pdf-deps lint complexity fmt migrations-check bench seed clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Serve on 127.0.0.1:$(PORT), honouring DATABASE_URL, with the task worker beside it. Demo
# mode is on unless SENDESK_DEMO=0 is given: the demo school is made on first run.
run: export SENDESK_DEMO ?= 1
# Links in e-mails (invites, password resets) point at this server unless told otherwise.
run: export SENDESK_SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP) pdf-deps
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	@case "$$SENDESK_DEMO" in ""|0|[nNfF]*|[oO][fF][fF]) \
	echo "SENDesk on http://127.0.0.1:$(PORT)/  demo mode OFF (SENDESK_DEMO=0): no demo logins; make the first head with $(BIN)/python manage.py createadmin";; *) \
	echo "SENDesk on http://127.0.0.1:$(PORT)/  DEMO MODE (synthetic data; SENDESK_DEMO=0 to turn it off)  demo logins: head@ senco@ dsl@ teacher1-8@ hlta@ ta1-8@ dpo@ slt@ parent@ trust@ oakfield.example, password: $${SENDESK_DEMO_PASSWORD:-oakfield-demo}; head@ senco@ dsl@ dpo@ slt@ trust@ also type a code from an authenticator app given the key $${SENDESK_DEMO_TOTP_SECRET:-OAKFIELDDEMOMFAOAKFIELDDEMOMFA23}";; esac
	@# The task worker (e-mail) runs beside the web server and stops with it; so does the
	@# scheduler, which starts the daily checks and digests (sendesk/notifications/daily.py).
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	$(BIN)/python manage.py notification_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn sendesk.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile -

# The browser tests drive Debian's chromium; install it if this machine lacks it.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The review pack (WeasyPrint) lays out text with the system's Pango and HarfBuzz and needs
# a font; Debian's packages, installed if this machine lacks them (as chromium above).
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-deps: $(STAMP)
	@{ $(BIN)/python -c "import weasyprint" >/dev/null 2>&1 && \
	  test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf; } || { \
	  echo "Installing Pango and a font for the review pack (WeasyPrint)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; }

# The whole suite: unit, HTTP and browser tests, plus lint, the layer contract
# (import-linter: no import runs up the layers, see README "Architecture") and the
# migrations check.
test: lint browser-deps pdf-deps
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -q

test-fast: $(STAMP) pdf-deps
	$(BIN)/pytest -q -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports
	$(MAKE) --no-print-directory complexity

# No function above cyclomatic complexity 20, as radon counts it (grade D and worse).
complexity: $(STAMP)
	@over="$$($(BIN)/radon cc --min D --show-complexity sendesk bench)"; \
	if [ -n "$$over" ]; then echo "Functions above complexity 20:"; echo "$$over"; exit 1; fi

fmt: $(STAMP)
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

migrations-check: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: $(STAMP) pdf-deps
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/planner.py
	$(BIN)/python bench/pack.py
	$(BIN)/python bench/ctf.py
	$(BIN)/python bench/imports.py
	$(BIN)/python bench/oneroster.py
	$(BIN)/python bench/demo_seed.py
	$(BIN)/python bench/trust.py

clean:
	rm -rf $(VENV) var/bench
