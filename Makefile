# Developer entry points. See README.md and docs/development.rst.
# The venv is built from the hash-locked requirements only.

PYTHON ?= /usr/bin/python3
VENV ?= .venv
BIN := $(VENV)/bin
# Development instance: config, data and static files under ./var (git-ignored).
DEV_DIR := $(CURDIR)/var
DEV_ENV := GWM_CONFIG_DIR=$(DEV_DIR)/etc
PIP_INSTALL := $(BIN)/pip install -q --require-hashes
LOCK := PIP_CONFIG_FILE=/dev/null $(CURDIR)/$(BIN)/pip-compile -q --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: vendor catalogs run migrations bench test test-sqlite test-databases test-ganeti test-browser screenshots \
	lint docs lock config-files clean help \
	deb rpm wheelhouse release test-packages test-fresh

help:
	@echo "make run      development server on http://127.0.0.1:8000 (SQLite in ./var) with a demo cluster;\n              PORT=nnnn another port, DEMO=0 no demo"
	@echo "make test     lint + tests on SQLite, PostgreSQL and MariaDB (when reachable)"
	@echo "make test-ganeti  tests against a real Ganeti in a network namespace (root)"
	@echo "make test-browser headless Chromium through the pages of a live GWM on that Ganeti (root)"
	@echo "make screenshots  copy the user guide's screenshots from the last test-browser run"
	@echo "make bench    print sync and VM list figures for 10,000 instances (SQLite, PostgreSQL, MariaDB),\n              gwm-worker isolation, job pickup, page and console proxy figures on a live site (SQLite)"
	@echo "make docs     build the documentation (warnings are errors)"
	@echo "make catalogs compile the translation catalogs (.po -> .mo; make run does it too)"
	@echo "make lock     recompile requirements/*.txt from requirements/*.in"
	@echo "make config-files  regenerate etc/ganeti-webmgr/settings.conf, the feature drop-ins and the docs reference"
	@echo "make deb      build dist/ganeti-webmgr_*.deb and ganeti-webmgr-ldap_*.deb (GWM_WHEELHOUSE=dir: offline)"
	@echo "make rpm      build dist/ganeti-webmgr-*.rpm (with -ldap) and the .src.rpm (GWM_WHEELHOUSE=dir: offline)"
	@echo "make wheelhouse  download the locked Python packages for offline builds (dist/wheelhouse)"
	@echo "make release  build release TAG=vX.Y.Z (default: HEAD's tag) from the tag into dist/release:"
	@echo "              signed APT and YUM repositories, sdist, wheel, docs (GWM_SIGNING_KEY)"
	@echo "make test-packages  build, lint and install-test the packages in chroots (root)"
	@echo "make test-fresh  the README's make run and make test on a clean Debian 12 chroot (root)"

# --- virtualenvs ------------------------------------------------------------
# Runtime-only venv for `make run`; the full dev venv for tests/docs.
$(VENV)/.run-stamp: requirements/base.txt requirements/build.txt pyproject.toml package-lock.json
	bin/install-system-deps run
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements/build.txt -r requirements/base.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	bin/build-vendor
	$(BIN)/python -m ganeti_webmgr.core.catalogs
	touch $@

$(VENV)/.dev-stamp: $(VENV)/.run-stamp requirements/*.txt
	bin/install-system-deps test
	$(PIP_INSTALL) -r requirements/build.txt -r requirements/base.txt \
		-r requirements/postgresql.txt -r requirements/mysql.txt -r requirements/ldap.txt \
		-r requirements/dev.txt
	touch $@

venv: $(VENV)/.run-stamp
dev-venv: $(VENV)/.dev-stamp

# The console pages' JavaScript (noVNC, xterm.js) from npm, by package-lock.json, into
# ganeti_webmgr/console/static/console/vendor/ (git-ignored); docs/development.rst.
vendor:
	bin/build-vendor

# The translation catalogs: every app's .po compiled to the .mo Django reads
# (git-ignored; gettext's msgfmt). make run, the wheel and the packages do it too.
catalogs: $(VENV)/.run-stamp
	$(BIN)/python -m ganeti_webmgr.core.catalogs

# --- run ----------------------------------------------------------------------
$(DEV_DIR)/etc/settings.conf:
	@mkdir -p $(DEV_DIR)/etc
	@test -e $(DEV_DIR)/etc/settings.conf || printf '%s\n' \
		'# Development instance created by `make run`.' \
		'[paths]' 'data_dir = $(DEV_DIR)/data' \
		'[web]' 'debug = true' > $(DEV_DIR)/etc/settings.conf

# PORT: gwm-server's port. DEMO=0: no demo cluster (docs/development.rst, The demo cluster).
PORT ?= 8000
DEMO ?= 1

run: $(VENV)/.run-stamp $(DEV_DIR)/etc/settings.conf
	bin/build-vendor --if-needed
	@# The translation catalogs (.po -> .mo) that changed since the last run.
	$(BIN)/python -m ganeti_webmgr.core.catalogs
	$(DEV_ENV) $(BIN)/gwm-init --noinput --admin-user admin --admin-email admin@localhost \
		--password-file $(DEV_DIR)/admin-password
	@echo
	@echo "  Ganeti Web Manager: http://127.0.0.1:$(PORT)/"
	@echo "  Log in as 'admin' with the password in $(DEV_DIR)/admin-password"
	@echo
	@# gwm-server, gwm-worker (syncs, jobs) and the demo cluster; Ctrl-C stops them all.
	@$(DEV_ENV) $(BIN)/python bin/dev-server --port $(PORT) $(if $(filter 0,$(DEMO)),--no-demo)

# Django migrations for model changes, made against the development site.
migrations: $(VENV)/.run-stamp $(DEV_DIR)/etc/settings.conf
	$(DEV_ENV) $(BIN)/gwm-init --noinput --admin-user admin --admin-email admin@localhost \
		--password-file $(DEV_DIR)/admin-password >/dev/null
	$(DEV_ENV) $(BIN)/gwm-manage makemigrations

# --- tests ----------------------------------------------------------------------
# The suites on SQLite, PostgreSQL and MariaDB run side by side (tests/suites.py): a
# server database that does not answer is skipped, and says so.
test: lint $(VENV)/.dev-stamp
	bin/build-vendor --if-needed
	$(BIN)/python tests/suites.py sqlite postgresql mysql

lint: $(VENV)/.dev-stamp
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-sqlite: $(VENV)/.dev-stamp
	bin/build-vendor --if-needed
	$(BIN)/python -m pytest -q

test-databases: $(VENV)/.dev-stamp
	bin/build-vendor --if-needed
	$(BIN)/python tests/suites.py postgresql mysql

# Real single-node Ganeti (Debian's ganeti, fake hypervisor) in a network namespace;
# the sandbox comes down whatever the tests say.
test-ganeti: $(VENV)/.dev-stamp
	bin/ganeti-sandbox up
	$(BIN)/python -m pytest -q -m ganeti; rc=$$?; bin/ganeti-sandbox down; exit $$rc

# Headless Chromium (Debian's, driven by Playwright) through the pages of a live GWM
# (gwm-server + gwm-worker on loopback, SQLite) on the real Ganeti sandbox: a fresh
# cluster each time, brought down whatever happens. Screenshots and the site's logs go
# to test-output/browser/ (git-ignored).
test-browser: $(VENV)/.dev-stamp
	bin/install-system-deps browser
	bin/ganeti-sandbox down >/dev/null
	trap 'bin/ganeti-sandbox down' EXIT; trap 'exit 130' INT TERM; \
		bin/ganeti-sandbox up >/dev/null && \
		bin/build-vendor --if-needed && $(BIN)/python -m pytest -q -m browser --screenshot only-on-failure \
			--output test-output/browser/failures tests/browser

# The documentation's pictures (docs/user-guide.rst, docs/vm-creation.rst), refreshed from
# the last test-browser run.
DOC_SCREENSHOTS := dashboard cluster-add-confirm cluster-detail vm-list vm-list-filtered \
	search vm-detail-full vm-detail-menu vm-detail-dialog vm-detail-phone node-detail job-detail \
	vm-create-summary vm-create-progress console-vnc console-vnc-refused
screenshots:
	bin/install-system-deps browser
	@for name in $(DOC_SCREENSHOTS); do test -f test-output/browser/$$name.png || \
		{ echo "no test-output/browser/$$name.png: run make test-browser first" >&2; exit 1; }; done
	mkdir -p docs/images
	for name in $(DOC_SCREENSHOTS); do cp test-output/browser/$$name.png docs/images/; done
	optipng -quiet -o5 -strip all $(DOC_SCREENSHOTS:%=docs/images/%.png)
	@ls -l $(DOC_SCREENSHOTS:%=docs/images/%.png)

# Figures, not pass/fail, on each database that answers: sync of 10,000 instances;
# a permission-filtered VM list over 10,000 VMs. On SQLite only: a live gwm-server and
# gwm-worker with a hung cluster beside a healthy one; a 50-VM bulk reboot's pickup;
# gwm-server's pages; the console proxy against a direct VNC connection.
bench: $(VENV)/.dev-stamp
	$(BIN)/python bench/sync.py sqlite
	$(BIN)/python bench/permissions.py sqlite
	$(BIN)/python bench/vm_list.py sqlite
	$(BIN)/python bench/search.py sqlite
	$(BIN)/python bench/quotas.py sqlite
	$(BIN)/python bench/api.py sqlite
	$(BIN)/python bench/worker_isolation.py
	$(BIN)/python bench/job_pickup.py
	$(BIN)/python bench/server.py
	$(BIN)/python bench/console.py
	@for db in postgresql mysql; do \
		env=$$($(BIN)/python tests/database_env.py $$db) || { echo "$$env"; continue; }; \
		$(BIN)/python bench/sync.py $$db || exit 1; \
		$(BIN)/python bench/permissions.py $$db || exit 1; \
		$(BIN)/python bench/vm_list.py $$db || exit 1; \
		$(BIN)/python bench/search.py $$db || exit 1; \
		$(BIN)/python bench/quotas.py $$db || exit 1; \
		$(BIN)/python bench/api.py $$db || exit 1; \
	done

# --- docs and generated files -----------------------------------------------------
docs: $(VENV)/.dev-stamp
	@# The API's OpenAPI schema, published beside the pages (docs/api.rst).
	$(BIN)/python -m ganeti_webmgr.api.schema_file docs/_generated/openapi.yaml
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "docs: docs/_build/html/index.html"

config-files: $(VENV)/.run-stamp
	$(BIN)/python -m ganeti_webmgr.conf.render settings-conf > etc/ganeti-webmgr/settings.conf
	$(BIN)/python -m ganeti_webmgr.conf.render reference > docs/configuration-reference.rst
	@# The feature packages' drop-ins (ganeti_webmgr/conf/features.py).
	mkdir -p etc/ganeti-webmgr/settings.d
	for name in $$($(BIN)/python -c 'from ganeti_webmgr.conf.features import FEATURES; print(*FEATURES)'); do \
		$(BIN)/python -m ganeti_webmgr.conf.render dropin $$name > etc/ganeti-webmgr/settings.d/50-$$name.conf || exit 1; \
	done

lock: $(VENV)/.dev-stamp
	cd requirements && for f in base build postgresql mysql ldap dev docs release; do \
		$(LOCK) --output-file=$$f.txt $$f.in || exit 1; done

clean:
	rm -rf $(VENV) docs/_build build *.egg-info .pytest_cache .ruff_cache node_modules \
		ganeti_webmgr/console/static/console/vendor

# --- packages (issue 3) -------------------------------------------------------
# Native packages of this work tree into dist/ (docs/packaging.rst). Offline:
# `make wheelhouse` on a machine with PyPI, then `make deb GWM_WHEELHOUSE=dir`.
WHEELHOUSE ?= $(CURDIR)/dist/wheelhouse
PKG_ENV := $(if $(GWM_WHEELHOUSE),GWM_WHEELHOUSE=$(abspath $(GWM_WHEELHOUSE)))

deb:
	packaging/install-build-deps deb
	$(PKG_ENV) packaging/build deb

rpm:
	packaging/install-build-deps rpm
	$(PKG_ENV) packaging/build rpm

wheelhouse:
	packaging/install-build-deps deb
	packaging/build wheelhouse --out $(WHEELHOUSE)

# A release from its vX.Y.Z tag (never the work tree), added to the release
# directory as it is published (docs/packaging.rst, "Releases"). Signs with the
# key GWM_SIGNING_KEY names (in GNUPGHOME). share/git-hooks/reference-transaction
# runs this when a tag is created.
RELEASE_DIR ?= $(CURDIR)/dist/release
RELEASE_URL ?= https://packages.ganeti-webmgr.example/
release:
	packaging/install-build-deps release
	$(PKG_ENV) packaging/release $(TAG) --out $(RELEASE_DIR) --base-url $(RELEASE_URL)

# Two releases from tags in a throwaway clone, published over loopback HTTP and
# installed and upgraded by the README's commands; lint, install/upgrade/remove/purge
# in debootstrap chroots (root).
test-packages:
	packaging/test-packages

# The README's commands, on a clean Debian 12 (debootstrap minbase) with a clone
# of HEAD in /root: what a new user meets, which a prepared machine hides (root).
test-fresh:
	.ci/test-fresh
