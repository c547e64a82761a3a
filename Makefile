# The two set-up commands are `make run` and `make test`; everything else here serves them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GOVUK := static/vendor/govuk-frontend
ASSETS := $(GOVUK)/.built
CHROMIUM := /usr/bin/chromium
# The font of the printed pages and their charts (static/css/print.css, bidtool/charts.py).
FONTS := /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf

.PHONY: run test test-sqlite test-postgres lint assets clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# GOV.UK Frontend's built CSS, JavaScript, fonts and images, from the npm package pinned in static/.
$(ASSETS): static/package.json static/package-lock.json
	npm ci --prefix static --no-audit --no-fund --loglevel=error
	rm -rf $(GOVUK) && mkdir -p $(GOVUK)
	cp -R static/node_modules/govuk-frontend/dist/govuk/assets $(GOVUK)/assets
	cp static/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(GOVUK)/
	# The built CSS asks for /assets/...; point it at the copy beside it, wherever the site is served.
	sed 's#url(/assets/#url(assets/#g' static/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css \
	    > $(GOVUK)/govuk-frontend.min.css
	touch $(ASSETS)

assets: $(ASSETS)

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

$(FONTS):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-liberation >/dev/null

# gunicorn on 127.0.0.1:5000 with one task worker beside it (gunicorn.conf.py); Ctrl-C stops both.
run: $(STAMP) $(ASSETS) $(FONTS)
	$(BIN)/bidtool db upgrade
	$(BIN)/bidtool demo
	$(BIN)/gunicorn -c gunicorn.conf.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint test-sqlite test-postgres

test-sqlite: $(STAMP) $(ASSETS) $(CHROMIUM) $(FONTS)
	$(BIN)/pytest

# The same suite against a real PostgreSQL server, started in a temporary folder and stopped after.
test-postgres: $(STAMP) $(ASSETS) $(CHROMIUM) $(FONTS)
	tests/with_postgres.sh $(BIN)/pytest

clean:
	rm -rf $(VENV) static/node_modules static/vendor .pytest_cache .hypothesis .ruff_cache
