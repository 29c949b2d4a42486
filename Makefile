# Two commands do all set-up on a fresh machine:  make demo (serving only)  |  make test (+ training stack, test tools)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --disable-pip-version-check -q -c constraints.txt

.PHONY: demo test install install-train install-dev train-pets train-sentiment train-colorize bench-sentiment bench-pets bench-load bench-cold-start deploy lock clean

demo: install                         ## serve every Space offline on the embedded default models (serving install only)
	HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False $(PY) -m shared.gallery

test: install-dev                     ## the whole test suite (real servers, training smoke, notebooks)
	HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False $(PY) -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed              ## serving only (requirements.txt): what a Space bundle installs
install-train: $(VENV)/.installed-train  ## + the training stack (requirements-train.txt: torch, fastai, timm, ...)
install-dev: $(VENV)/.installed-dev      ## + the test and notebook tools (requirements-dev.txt)

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	touch $@

$(VENV)/.installed-train: $(VENV)/.installed requirements-train.txt
	$(PIP) -r requirements-train.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-train requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	@# browser tests drive Debian's Chromium (Playwright's own browser download cannot work offline)
	@test -x /usr/bin/chromium || if [ "$$(id -u)" = 0 ]; then echo "apt-get install chromium (browser tests)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji; } \
		>$(VENV)/apt-chromium.log 2>&1 || { tail -20 $(VENV)/apt-chromium.log; exit 1; }; \
	else echo "note: the browser tests need Chromium: sudo apt-get install chromium"; fi
	touch $@

train-pets: install-train           ## retrain the embedded default pets model: one command (cpu preset, 2 cores)
	$(PY) -m shared.training.cli pets --preset cpu --out spaces/pets/model

train-sentiment: install-train      ## retrain the default sentiment model in one command: the n-gram baseline, then the transformer in three passes, combined with it
	$(PY) -m shared.tasks.sentiment.lineage --out spaces/sentiment/model

bench-sentiment: install-train      ## the transformer against transformers.pipeline, the n-gram model against learn.predict
	$(PY) -m shared.ops.benchmarks.sentiment

train-colorize: install-train       ## retrain the embedded default colorize model: one command (cpu preset, 2 cores)
	$(PY) -m shared.training.cli colorize --preset cpu --out spaces/colorize/model

bench-pets: install-train           ## latency / throughput / cold start table + JSON
	$(PY) -m shared.ops.benchmarks.pets

bench-cold-start: install             ## every Space's process start -> first answer, against a bare Gradio app (BENCHMARKS.md)
	HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False $(PY) -m shared.ops.benchmarks.cold_start

bench-load: install                   ## suite cold start + 20 clients x 25 requests per Space (BENCHMARKS.md)
	HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False $(PY) -m shared.ops.benchmarks.load

deploy: install                       ## the combined Space bundle in bundles/ (DEPLOY_ARGS="--user you": create it, one free ZeroGPU Space)
	$(PY) -m shared.ops.deploy $(or $(DEPLOY_ARGS),--dry-run)

lock: install-dev                     ## re-pin every transitive version after changing requirements*.txt
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) tests/artifacts
