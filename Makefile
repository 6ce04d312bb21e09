# Each target is a thin call into scripts/. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help venv demo test bench sanity lint unit integration molecule matrix build clean

help: ## List the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z-]*:.*## / { printf "  make %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

venv: ## Create or update .venv with requirements-dev.txt
	@bash -c '. scripts/lib.sh && ensure_venv .venv requirements-dev.txt && ensure_collection_link'

demo: ## Start the simulator, run playbooks/audit_then_release.yml, show the report
	@scripts/demo.sh

test: ## Run every check CI runs, with a summary table
	@scripts/test.sh

bench: ## Run benchmarks/run.sh
	@if [ -f benchmarks/run.sh ]; then bash benchmarks/run.sh; \
	else echo "make bench: skipped, benchmarks/run.sh does not exist yet."; fi

sanity: ## ansible-test sanity in a copy of the tree
	@scripts/test.sh sanity

lint: ## yamllint, the action-group and module-docs checks, ansible-lint, antsibull-docs and antsibull-changelog lint
	@scripts/test.sh yamllint action-group module-docs ansible-lint docs changelog

unit: ## pytest tests/unit and tests/simulator
	@scripts/test.sh unit

integration: ## pytest tests/integration (playbook targets against the simulator)
	@scripts/test.sh integration

molecule: ## molecule test, when extensions/molecule/ exists
	@scripts/test.sh molecule

matrix: ## sanity, unit and integration tests with ansible-core 2.18
	@scripts/test.sh matrix

build: ## Build the tarball, check its contents, install it and run a playbook from it
	@scripts/test.sh build

clean: ## Remove .venv*, collections/, .demo, .bench and tests/output
	rm -rf .venv .venv-* collections .demo .bench tests/output
