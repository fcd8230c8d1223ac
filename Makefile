# yiwang — two commands do everything: `make demo` and `make test`.
# Both assume a Debian machine with the Rust toolchain, Node.js and Python (see README.md).

CARGO ?= cargo
DEMO_ARGS ?=
# Password of the demo accounts (one per role; username = role identifier). Local demo only.
DEMO_PASSWORD ?= yiwang-demo
# PostgreSQL the test suite creates and drops its throwaway databases on.
export YIWANG_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: demo build web test test-deps lint test-web test-rust test-e2e test-open311 test-api-fuzz bench-foundation clean

## Build in release mode, generate the Xuhui twin (first run only) and serve it at http://127.0.0.1:8080
demo: build
	./target/release/yiwang demo --demo-password "$(DEMO_PASSWORD)" $(DEMO_ARGS)

build: web
	$(CARGO) build --release -p yiwang

## The browser console (web/: TypeScript + MapLibre GL JS, built by Vite into web/dist, which
## crates/yiwang-server/build.rs embeds in the binary). Rebuilt only when its sources change.
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json web/compress.mjs web/package.json
web: web/dist/index.html

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build

## The whole suite: format, lints, Rust tests on SQLite and PostgreSQL, browser journeys, Open311 clients
test: test-deps lint test-web test-rust test-e2e test-open311 test-api-fuzz

test-deps:
	./scripts/ensure-test-deps.sh

lint: web
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## Unit tests of the console's logic (vitest)
test-web: web/node_modules/.package-lock.json
	cd web && npm test

test-rust: web
	$(CARGO) test --workspace

test-e2e: web
	$(CARGO) build -p yiwang
	cd e2e && npm ci --no-audit --no-fund && npm test

## Open311 against the real PyPI clients civicbot 0.4.0 and georeport 0.3.1 (venv in target/)
test-open311: web
	$(CARGO) build -p yiwang
	python3 e2e/open311_clients.py --bin target/debug/yiwang

## schemathesis (PyPI, venv under target/) over the OpenAPI document: no server error
test-api-fuzz: web
	$(CARGO) build -p yiwang
	python3 e2e/api_fuzz.py --bin target/debug/yiwang

## Twin generation, database size, start time and memory at scales 0.1 and 1 (docs/PERFORMANCE.md)
bench-foundation: build
	python3 bench/foundation.py --scales 0.1 1 --backends sqlite postgres

clean:
	$(CARGO) clean
	rm -rf e2e/node_modules web/node_modules web/dist test-results
