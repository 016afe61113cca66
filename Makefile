# The two commands a newcomer needs: `make report` (answer the paper's questions from the embedded
# store) and `make test`. Both install what a fresh machine lacks (libclang, which the RocksDB
# build needs) and share one release build, so RocksDB is compiled once.

# Builds are kept outside the clone, so a fresh clone (and CI on this machine) reuses them.
CARGO_TARGET_DIR ?= $(HOME)/.cache/twinning/target
export CARGO_TARGET_DIR
TWINNING = $(CARGO_TARGET_DIR)/release/twinning

.PHONY: report test lint validate build install deps clients e2e-tools clean-store bench

report: build
	$(TWINNING) load
	$(TWINNING) report

# The tests that use Python's SPARQL clients (the endpoint's protocol, and rdflib as a second
# engine for the exports) run when TWINNING_PYTHON names a Python that has them: the venv below.
test: deps clients
	@if [ -z "$$TWINNING_PYTHON" ] && "$(VENV)/bin/python" -c 'import rdflib, SPARQLWrapper' 2>/dev/null; then \
		export TWINNING_PYTHON="$(VENV)/bin/python"; fi; \
	cargo test --release

# The bundled data against the SHACL shapes (exit 1 on violations).
validate: build
	$(TWINNING) validate

lint: deps
	cargo fmt --all -- --check
	cargo clippy --release --all-targets -- -D warnings

build: deps
	cargo build --release

# Puts `twinning` on PATH (~/.cargo/bin), reusing the release build above.
install: deps
	cargo install --locked --path .

# The scale benchmark (issue #7): load, queries and cold report against pyoxigraph and rdflib, at
# 10k, 100k and 1M synthetic agreements; prints a Markdown table of medians and writes it to
# bench/results/. Takes long at 1M; options, e.g.: make bench BENCH_ARGS="--sizes 10000 --runs 1"
bench: build
	python3 bench/scale.py --twinning $(TWINNING) $(BENCH_ARGS)

# RocksDB's build script runs bindgen, which needs libclang (not libclang-cpp, which a fresh image
# has): the script looks where bindgen looks, installs libclang-dev as root, or stops with the command.
deps:
	@sh .ci/libclang.sh

# Independent SPARQL clients, pinned: the interop tests list the research queries that rdflib 7.6
# answers correctly. Without network access the tests that need them are skipped, with a note.
VENV = $(HOME)/.cache/twinning/venv
# The notebook's packages (examples/README.md) come too, so the test that runs it can.
CLIENTS = SPARQLWrapper==2.0.0 rdflib==7.6.0 pyoxigraph==0.5.13 pandas==3.1.1 matplotlib==3.11.2 \
	nbclient==0.11.0 nbformat==5.11.1 ipykernel==7.4.0 networkx==3.6.1
clients:
	@if ! "$(VENV)/bin/python" -c 'import SPARQLWrapper, rdflib, nbclient, pandas, matplotlib, pyoxigraph, networkx, sys; sys.exit(rdflib.__version__ != "7.6.0")' 2>/dev/null; then \
		echo "installing $(CLIENTS) into $(VENV) (for the client and interop tests)"; \
		{ [ -x "$(VENV)/bin/python" ] || python3 -m venv "$(VENV)"; } && "$(VENV)/bin/pip" install -q $(CLIENTS) \
			|| echo "warning: could not install $(CLIENTS); the tests that need them will be skipped"; \
	fi

# Debian's Chromium and LibreOffice Calc, for the end-to-end tests (the HTML report and query
# page in a browser, the CSV export in a spreadsheet), and Virtuoso, the second SPARQL engine
# the research queries are checked on (tests/clients/virtuoso.py starts a private instance on
# loopback), and Apache, which serves the static site with its .htaccess and w3id.org rules
# (tests/clients/apache.py). Tests skip them when absent, unless TWINNING_REQUIRE_BROWSER,
# TWINNING_REQUIRE_VIRTUOSO and TWINNING_REQUIRE_APACHE are set, as in CI.
E2E_PACKAGES = chromium libreoffice-calc-nogui virtuoso-opensource-7 apache2-bin
e2e-tools:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 \
		|| ! command -v virtuoso-t >/dev/null 2>&1 || ! [ -x /usr/sbin/apache2 ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing $(E2E_PACKAGES) (for the end-to-end tests)"; \
			(export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq --no-install-recommends $(E2E_PACKAGES) || (apt-get update -qq && apt-get install -y -qq --no-install-recommends $(E2E_PACKAGES))) >/dev/null; \
		else \
			echo "missing: run 'sudo apt-get install -y $(E2E_PACKAGES)'"; exit 1; \
		fi; \
	fi

# Removes the default store (~/.local/share/twinning/store); `twinning load` rebuilds it.
clean-store:
	rm -rf "$${XDG_DATA_HOME:-$$HOME/.local/share}/twinning/store"
