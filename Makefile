# Two commands set everything up on a fresh machine:
#   make site   – virtualenv, pinned dependencies, build site/
#   make test   – everything the tests need (Chromium, poppler, CJK fonts, npm tools), then pytest
#   (make test-fast runs the fast subset, under a minute)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the tests drive: the browser, PDF tools, CJK fonts (WenQuanYi Micro Hei is the
# print font: TrueType, so PDFs embed it by name), Java for vnu, node for axe/vnu, nginx for the
# self-hosting test (installed, never started as a service).
DEB_TOOLS := chromium poppler-utils fonts-noto-cjk fonts-wqy-microhei default-jre-headless nodejs npm zbar-tools nginx

.PHONY: site test test-fast check plan serve new-region import posters bench search-bench clean system-deps node-deps build-deps golden publish nginx-config precompress

site: $(VENV)/.runtime build-deps
	$(PY) build.py

check: $(VENV)/.runtime
	$(PY) build.py check

# every file the site will hold, one a line: path, part, the regions it shows, how it is made
plan: $(VENV)/.runtime build-deps
	$(PY) build.py plan

serve: $(VENV)/.runtime
	$(PY) build.py serve

# Staff tasks (docs/editing.md): add a region, import a list's table.
#   make new-region NAME=湖北省 ID=hubei [PARENT=上级地区]
#   make import FILE=清单.xlsx REGION=湖北省 KIND=不予出具 [COPY=原文件.pdf]
new-region: $(VENV)/.runtime
	@[ -n "$(NAME)" ] && [ -n "$(ID)" ] || { echo "请写地区名称和拼音 id，如：make new-region NAME=湖北省 ID=hubei（下级地区加 PARENT=上级地区）"; exit 2; }
	$(PY) build.py new-region "$(NAME)" --id "$(ID)" $(if $(PARENT),--parent "$(PARENT)")

import: $(VENV)/.runtime
	@[ -n "$(FILE)" ] && [ -n "$(REGION)" ] && [ -n "$(KIND)" ] || { echo "请写表格文件、地区和清单种类，如：make import FILE=清单.xlsx REGION=湖北省 KIND=不予出具（可加 COPY=原文件.pdf）"; exit 2; }
	$(PY) build.py import "$(FILE)" --region "$(REGION)" --kind "$(KIND)" $(if $(COPY),--copy "$(COPY)")

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt $(VENV)/bin/python
	$(PY) -m pip install --quiet --no-deps -r requirements.txt
	touch $@

$(VENV)/.publish: requirements-publish.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --no-deps -r requirements-publish.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --no-deps -r requirements-test.txt
	touch $@

# The build draws share-card images with a CJK font (Debian fonts-noto-cjk) and encodes QR
# codes with libqrencode (Debian libqrencode4, called through ctypes by sitegen/qr.py).
# SITEGEN_FONT / SITEGEN_QRENCODE name the files to use instead (a machine without apt-get).
build-deps:
	@missing=""; \
	[ -n "$$SITEGEN_FONT" ] || fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing="$$missing fonts-noto-cjk fontconfig"; \
	[ -n "$$SITEGEN_QRENCODE" ] || /sbin/ldconfig -p 2>/dev/null | grep -q 'libqrencode\.so\.4' || missing="$$missing libqrencode4"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Install only what is missing, so a prepared machine does no network work. (The build's own
# packages, the Noto CJK font among them, are build-deps: test and posters get them too.)
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	fc-list 2>/dev/null | grep -qi 'WenQuanYi Micro Hei' || missing="$$missing fonts-wqy-microhei"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	command -v zbarimg >/dev/null || missing="$$missing zbar-tools"; \
	[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-deps: node_modules/.installed

test: $(VENV)/.test $(VENV)/.publish build-deps system-deps node-deps
	$(PY) -m pytest

# The tests marked fast (pytest.ini), under a minute: the golden site built and
# diffed, the cascade, components, templates, URLs, QR codes, one failure through build.py.
test-fast: $(VENV)/.test build-deps system-deps
	$(PY) -m pytest -m fast

# Posters and slips as PDF beside their print pages (site/print/<region>/*.pdf): one headless
# Chromium driven by Playwright (pinned in requirements-test.txt) prints them, from a snapshot
# of site/, into the PDF cache (.cache/pdf/, kept across builds: pages already printed are not
# printed again); the build after it links every PDF into site/ and shows "下载 PDF" beside it.
posters: $(VENV)/.test system-deps site
	$(PY) -m sitegen.pdf --site site
	$(PY) build.py

# Upload the built site/ to an rclone remote (docs/deploy.md): only what changed, files before
# the pages that use them, deletions last. DRY=1 lists the changes; TEST=1 allows the
# placeholder base_url (a test bucket, never the public site).
publish: $(VENV)/.publish
	$(PY) build.py publish "$(TO)" $(if $(DRY),--dry-run) $(if $(TEST),--test-target)

# Self-hosting (docs/deploy.md): print an nginx server block for site/ (PORT=8080 by default),
# and write .gz files beside site/'s text files for its gzip_static (again after each make site).
PORT ?= 8080
nginx-config: $(VENV)/.runtime
	@$(PY) build.py nginx-config --port $(PORT)

precompress: $(VENV)/.runtime
	$(PY) build.py precompress

bench: $(VENV)/.test $(VENV)/.publish
	$(PY) bench/national.py --regions 200 --publish

# resident queries through the real search page (docs/search.md)
search-bench: $(VENV)/.test
	$(PY) bench/search_quality.py

clean:
	rm -rf site site.new-* site.old-* .pytest_cache

# The committed expected site (tests/golden/expected/) built from tests/golden/content/.
# Run after an intended change to the output, then read `git diff tests/golden/expected`.
# No PDF cache: PDFs `make posters` left in .cache/pdf/ are no part of the expected site.
golden: $(VENV)/.runtime build-deps
	SITEGEN_PDF_CACHE=$(CURDIR)/tests/golden/no-pdf-cache $(PY) build.py --content tests/golden/content --site tests/golden/expected
