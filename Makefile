# aemtools.brand_portal -- developer and CI entry points.
#
#   make demo   run playbooks/demo.yml against the bundled mock AEM server
#   make test   every check: sanity + units (Python 3.11/ansible-core 2.19 and Python 3.12/2.21),
#               mock tests, integration, ansible-lint, docs lint, docs site (+ headless chromium), changelog
#               lint, build + ansible-doc
#
# Both create their own virtual environments (.venv: Python 3.11, .venv312: Python 3.12) and install
# what they need; nothing else is assumed. `make help` lists every target.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

NAMESPACE  := aemtools
NAME       := brand_portal
FQCN       := $(NAMESPACE).$(NAME)

CI_DIR     := .ci
SCRIPTS    := $(CI_DIR)/scripts
VENV311    := .venv
VENV312    := .venv312
BUILD_DIR  := build
# ansible-test needs a real .../ansible_collections/<namespace>/<name>/ directory: a synced copy
COLL_ROOT  := $(CURDIR)/$(BUILD_DIR)/collections
TREE       := $(COLL_ROOT)/ansible_collections/$(NAMESPACE)/$(NAME)
DIST_DIR   := $(BUILD_DIR)/dist

# interpreters can be forced: make PYTHON311=/path/python3.11 PYTHON312=/path/python3.12
export PYTHON311 PYTHON312

# what ansible-test / the tools get: the venv first on PATH, only the synced collection tree
ANSIBLE_ENV = PATH="$(CURDIR)/$(1)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLL_ROOT)" \
              ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false

.PHONY: help venv venv311 venv312 tree \
        sanity sanity-3.11 sanity-3.12 units units-3.11 units-3.12 mock-tests integration \
        lint docs-lint docs changelog-lint build test demo bench molecule molecule-container ee ee-image clean

help: ## list the targets
	@grep -E '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

# ---------------------------------------------------------------------------------------------
# virtual environments (re-created only when a requirements or constraints file changes)

venv: venv311 venv312 ## create .venv (Python 3.11, ansible-core 2.19) and .venv312 (Python 3.12, 2.21)
venv311: $(VENV311)/.installed
venv312: $(VENV312)/.installed

$(VENV311)/.installed: requirements.txt requirements-test.txt requirements-docs.txt $(CI_DIR)/constraints-py311.txt $(SCRIPTS)/make-venv.sh
	$(SCRIPTS)/make-venv.sh 3.11 $(VENV311) $(CI_DIR)/constraints-py311.txt
	touch $@

$(VENV312)/.installed: requirements.txt requirements-test.txt requirements-docs.txt $(CI_DIR)/constraints-py312.txt $(SCRIPTS)/make-venv.sh
	$(SCRIPTS)/make-venv.sh 3.12 $(VENV312) $(CI_DIR)/constraints-py312.txt
	touch $@

# ---------------------------------------------------------------------------------------------
# ansible-test: runs in the synced collection tree

tree: $(VENV311)/.installed ## sync the checkout into build/collections/ansible_collections/aemtools/brand_portal
	$(VENV311)/bin/python $(SCRIPTS)/sync_tree.py . $(TREE)

sanity: sanity-3.11 sanity-3.12 ## ansible-test sanity on Python 3.11 (core 2.19) and 3.12 (core 2.21)

# Each sanity run first writes the pip bootstrap script that ansible-test would otherwise download
# from a host these machines cannot reach (see .ci/scripts/ansible_test_offline_pip.py).
sanity-3.11: $(VENV311)/.installed tree
	$(VENV311)/bin/python $(SCRIPTS)/ansible_test_offline_pip.py
	cd $(TREE) && $(call ANSIBLE_ENV,$(VENV311)) ansible-test sanity --python 3.11 --color no $(SANITY_ARGS)

sanity-3.12: $(VENV312)/.installed tree
	$(VENV312)/bin/python $(SCRIPTS)/ansible_test_offline_pip.py
	cd $(TREE) && $(call ANSIBLE_ENV,$(VENV312)) ansible-test sanity --python 3.12 --color no $(SANITY_ARGS)

units: units-3.11 units-3.12 ## ansible-test units --local on Python 3.11 (core 2.19) and 3.12 (core 2.21)

units-3.11: $(VENV311)/.installed tree
	cd $(TREE) && $(call ANSIBLE_ENV,$(VENV311)) ansible-test units --local --python 3.11 --color no $(UNITS_ARGS)

units-3.12: $(VENV312)/.installed tree
	cd $(TREE) && $(call ANSIBLE_ENV,$(VENV312)) ansible-test units --local --python 3.12 --color no $(UNITS_ARGS)

integration: $(VENV311)/.installed tree ## ansible-test integration --local against a mock AEM started for it
	$(SCRIPTS)/integration.sh $(VENV311) 3.11 $(TREE) $(INTEGRATION_ARGS)

# ---------------------------------------------------------------------------------------------
# the mock's own tests, linters, docs, changelog, build

# the mock is plain Python: without pytest-ansible, which would link a collections/ tree into the repo
mock-tests: $(VENV311)/.installed ## pytest tests/mock_aem/tests (the mock AEM server's own tests)
	$(VENV311)/bin/python -m pytest -p no:cacheprovider -p no:pytest-ansible -q tests/mock_aem/tests

# offline, ansible-lint does not link the collection into .ansible/: give it the synced copy, so that
# the syntax check of playbooks/ resolves aemtools.brand_portal.* and the `aem` action group
lint: $(VENV311)/.installed tree ## ansible-lint, production profile, offline
	PATH="$(CURDIR)/$(VENV311)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLL_ROOT)" \
	    ansible-lint --profile production --offline

docs-lint: $(VENV311)/.installed tree ## antsibull-docs lint-collection-docs --plugin-docs
	cd $(TREE) && $(call ANSIBLE_ENV,$(VENV311)) antsibull-docs lint-collection-docs --plugin-docs .

# The docs site, offline (.ci/scripts/docs.sh): every module, role and the user guide, Sphinx warnings as errors;
# then tests/browser looks at it as a reader would (every internal link leads somewhere, so the :ansplugin:,
# :ansopt: and :ansretval: references resolved) and, in headless chromium (Debian's package), renders a module
# page, the user guide and the audit's report.html (screenshots in build/docs/screenshots). Without chromium the
# browser tests fail on CI (CI=true: .ci/run installs it) and are skipped elsewhere, saying how to install it.
DOCS_DIR := $(BUILD_DIR)/docs
docs: $(VENV311)/.installed tree ## build the docs site to build/docs/html and check it (links, headless chromium)
	$(call ANSIBLE_ENV,$(VENV311)) $(SCRIPTS)/docs.sh $(VENV311) $(DOCS_DIR)
	PYTHONPATH="$(COLL_ROOT)" DOCS_HTML="$(CURDIR)/$(DOCS_DIR)/html" SCREENSHOTS="$(CURDIR)/$(DOCS_DIR)/screenshots" \
	    $(VENV311)/bin/python -m pytest -p no:cacheprovider -p no:pytest-ansible -q tests/browser

changelog-lint: $(VENV311)/.installed ## antsibull-changelog lint
	$(VENV311)/bin/antsibull-changelog lint

build: $(VENV311)/.installed ## build the tarball, install it to a temp path, ansible-doc every module
	$(SCRIPTS)/build-check.sh $(VENV311) $(DIST_DIR)

# Molecule scenarios of extensions/molecule/ (see extensions/molecule/README.md), two ways:
#   molecule            the mock AEM as a local process: no container engine needed
#   molecule-container  the mock AEM as a container (podman, or docker), image built from
#                       tests/mock_aem/Containerfile by .ci/scripts/mock-image.sh. Without a working engine it
#                       says so plainly and skips, unless REQUIRE_CONTAINERS=1 (CI sets it): then it fails.
# One scenario: make molecule MOLECULE_SCENARIOS=configure_64
MOLECULE_SCENARIOS ?= $(sort $(patsubst extensions/molecule/%/molecule.yml,%,$(wildcard extensions/molecule/*/molecule.yml)))
REQUIRE_CONTAINERS ?= 0
molecule: $(VENV311)/.installed tree ## Molecule scenarios, the mock AEM as a local process (no container engine)
	$(call ANSIBLE_ENV,$(VENV311)) $(SCRIPTS)/molecule.sh process $(MOLECULE_SCENARIOS)

molecule-container: $(VENV311)/.installed tree ## Molecule scenarios, the mock AEM as a container (podman/docker)
	$(call ANSIBLE_ENV,$(VENV311)) REQUIRE_CONTAINERS=$(REQUIRE_CONTAINERS) \
	    $(SCRIPTS)/molecule.sh container $(MOLECULE_SCENARIOS)

# The execution environment for AWX / Automation Platform (execution-environment.yml, .ci/scripts/ee.sh): ansible-builder
# and podman (or docker), no registry: the base image is made from Debian's packages (the mock's debootstrap image
# + extensions/ee/Containerfile.base). With a registry: make ee EE_BASE_IMAGE=registry.example/ee-minimal:latest
# (EE_PKGMGR, EE_PYCMD: its package manager and Python, default /usr/bin/microdnf and /usr/bin/python3). `make ee` (a make test stage) builds it, then runs ansible-doc and the README demo
# inside it against the mock; `make ee-image` only builds. Without a container engine both say so and skip, unless
# REQUIRE_CONTAINERS=1 (CI sets it): then they fail.
ee_base_image ?=
EE_BASE_IMAGE ?= $(ee_base_image)
EE_IMAGE ?= localhost/aemtools-brand_portal-ee:latest
EE_ENV = EE_IMAGE="$(EE_IMAGE)" EE_BASE_IMAGE="$(EE_BASE_IMAGE)" EE_PKGMGR="$(EE_PKGMGR)" EE_PYCMD="$(EE_PYCMD)" \
         REQUIRE_CONTAINERS=$(REQUIRE_CONTAINERS)
ee: $(VENV311)/.installed ## build the execution environment (ansible-builder, podman, no registry), test it inside
	$(EE_ENV) $(SCRIPTS)/ee.sh $(VENV311) test

ee-image: $(VENV311)/.installed ## build the execution environment image only
	$(EE_ENV) $(SCRIPTS)/ee.sh $(VENV311) build

# ---------------------------------------------------------------------------------------------

TEST_STAGES ?= changelog-lint lint docs-lint docs build mock-tests sanity-3.11 units-3.11 sanity-3.12 units-3.12 integration molecule molecule-container ee

test: ## run every check (all stages, then a summary; fails if any failed)
	$(MAKE) -j2 venv311 venv312    # the two venvs install side by side
	$(SCRIPTS)/run-stages.sh $(TEST_STAGES)

# three authors, Adobe IMS and Brand Portal (the script exports AEM_PORTS, IMS_URL, BP_URL)
DEMO_MOCK_ARGS ?= --aem-version 6.5.21 --instances 3 --ims-port 0 --bp-port 0
demo: $(VENV311)/.installed tree ## run playbooks/demo.yml against the bundled mock AEM
	@if [ ! -f playbooks/demo.yml ]; then echo "ERROR: playbooks/demo.yml does not exist yet" >&2; exit 1; fi
	$(call ANSIBLE_ENV,$(VENV311)) MOCK_ARGS="$(DEMO_MOCK_ARGS)" $(SCRIPTS)/with-mock.sh $(VENV311)/bin/python \
	    bash -c 'exec ansible-playbook playbooks/demo.yml "$$@"' demo $(DEMO_ARGS)

# The fleet benchmark: the collection's playbooks side by side with a hand-written ansible.builtin.uri playbook and
# a plain-Python floor over N mock authors, interleaved repetitions (tests/benchmark/README.md): wall time, HTTP
# requests and writes per author. It reports; it asserts no time. BENCH_ARGS="--verify" checks the baseline;
# BENCH_ARGS="--classic --authors 5" is the former collection-only benchmark (any AEM version).
BENCH_ARGS ?=
bench: $(VENV311)/.installed tree ## fleet benchmark: collection vs hand-written uri playbook vs floor (BENCH_ARGS="--authors 1,10 --forks 5 --repeat 3")
	$(call ANSIBLE_ENV,$(VENV311)) $(VENV311)/bin/python -m tests.benchmark.compare $(BENCH_ARGS)

clean: ## remove venvs, build output and test output
	rm -rf $(VENV311) $(VENV312) $(BUILD_DIR) tests/output .pytest_cache collections
