# Two commands for a fresh machine:  make demo  and  make test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# durable-rules ships only C source. Build it ourselves: with the alias its C code needs on
# Python 3.13 (PyEval_CallObject was removed; fixed upstream, never released), and at -O2
# (its setup.py overwrites CFLAGS with no -O flag; setuptools still passes CPPFLAGS).
# --no-cache-dir: a cached wheel built without the alias would not import on 3.13.
DURABLE_RULES := $(shell sed -n 's/^ *"\(durable-rules==[^"]*\)",*/\1/p' pyproject.toml)
DURABLE_CPPFLAGS := -DPyEval_CallObject=PyObject_CallObject -O2

.PHONY: demo test interview bench bench-memory clean

demo: $(VENV)/.installed
	$(BIN)/adieu assess examples/late-payer.yaml
	@echo
	@echo "Next: $(BIN)/adieu interview    (or: make interview; source $(BIN)/activate for a plain 'adieu')"

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

# The interview in this terminal (after make demo or make test).
interview: $(VENV)/.installed
	$(BIN)/adieu interview

# Not a fresh-machine command: measures this machine and rewrites benchmarks/RESULTS.md.
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

# The same: the peak memory of `adieu portfolio` at 100,000 and 1,000,000 clients.
bench-memory: $(VENV)/.installed-test
	$(BIN)/python benchmarks/memory.py

$(VENV)/.engine: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	CPPFLAGS='$(DURABLE_CPPFLAGS)' $(BIN)/python -m pip install --quiet --no-cache-dir --no-binary durable-rules '$(DURABLE_RULES)'
	touch $@

$(VENV)/.installed: $(VENV)/.engine pyproject.toml
	$(BIN)/python -m pip install --quiet .
	touch $@

$(VENV)/.installed-test: $(VENV)/.engine pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) build dist *.egg-info
