# Everything a new developer or CI needs: `make demo`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench golden docs system-deps clean

# The venv is rebuilt when the dependencies change.
$(STAMP): pyproject.toml
	@sh tools/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# what installing a package leaves: bytecode (even under PYTHONDONTWRITEBYTECODE) and Jinja's
	@# compiled templates (templates/compiled/, brochure/render/template_cache.py)
	$(BIN)/python -m compileall -q brochure
	$(BIN)/python tools/compile_templates.py > /dev/null
	@touch $(STAMP)

system-deps:
	@sh tools/system-deps.sh
	@sh tools/system-deps.sh --browser

demo: $(STAMP)
	$(BIN)/brochure build --all --clinics-dir clinics --out output
	@echo
	@echo "Leaflets are in $(CURDIR)/output/:"
	@find output -name '*.pdf' | sort | sed 's/^/  /'

lint: $(STAMP)
	$(BIN)/ruff check brochure tests bench

# The browser tests of `brochure serve` need Chromium: installed here where it can be (root with apt).
test: lint
	@sh tools/system-deps.sh --browser
	$(BIN)/python -m pytest -q -n 2 --dist worksteal --durations=10

# Refresh the golden images after a deliberate change to the look; open them before committing.
golden: $(STAMP)
	BROCHURE_UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/render/test_golden.py -p no:randomly || true
	@ls -1 tests/golden/*.png

# The folding diagrams in docs/, drawn from real tri-fold builds of the example clinics.
docs: $(STAMP)
	$(BIN)/python tools/folding_diagram.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'  # Typst, measured beside personal copies
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_layout.py
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_patients.py

clean:
	rm -rf $(VENV) output/*/ .pytest_cache .ruff_cache
