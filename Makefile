# The book's plain targets. `make test` and `make book` work on a fresh clone: they create
# .venv and install the pinned requirements and the package first.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
BOOK   := _build/html/index.html
# The repository behind the launch buttons: empty keeps _config.yml's placeholder (a local build);
# the workflow passes the repository it runs in, e.g. make book BOOK_REPOSITORY=https://github.com/o/r
BOOK_REPOSITORY ?=
BOOK_BRANCH ?=
BOOK_CONFIG := _build/config/_config.yml
BOOK_CONFIG_ZH := _build/config/_config_zh.yml
# The Chinese edition's own Sphinx build (doctrees, HTML), copied to _build/html/zh when done.
ZH_BUILD := _build/zh
# The student edition's language: en, or zh_CN for the Chinese one (make student LANGUAGE=zh_CN).
LANGUAGE ?= en

.PHONY: help env test lint unit notebooks check-notebooks nbmake book clean benchmark budget student student-test student-zh student-zh-test book-en translations check-translations determinism browser-test checkpoint checkpoint-check

help:
	@echo "make test       lint, unit tests, notebook pairing check, every chapter executed (nbmake)"
	@echo "make book       build the HTML book, English (_build/html) and Chinese (_build/html/zh), chapters executed once, warnings as errors"
	@echo "make notebooks  regenerate chapters/*.ipynb (and teachers.ipynb) from their .md sources"
	@echo "make book-en    the English book only (_build/html)"
	@echo "make student    the student edition: solutions removed, starters and checkers (student/; LANGUAGE=zh_CN: the Chinese one, student-zh/)"
	@echo "make translations  after an English edit: update the Chinese catalogs (locales/zh_CN), marking what to translate"
	@echo "make check-translations  every Chinese catalog complete, nothing fuzzy or stale, markup and glossary terms kept"
	@echo "make determinism  after make book: rerun every chapter, compare its text outputs"
	@echo "make browser-test  after make book: every page in headless Chromium, offline (math, images, links, dropdowns, launch buttons)"
	@echo "make benchmark  time the from-scratch LSTM against nn.LSTM"
	@echo "make budget     run every chapter in a fresh kernel, on two cores and on one; report wall time and peak memory"
	@echo "make checkpoint  retrain chapter 21's character model from its seed (about 40 minutes, one thread)"
	@echo "make checkpoint-check  retrain it and check the committed checkpoint is reproduced bit for bit"
	@echo "make clean      remove the built book"

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

env: $(STAMP)

lint: env
	$(PY) -m ruff check .

unit: env
	$(PY) -m pytest -q tests

nbmake: env
	$(PY) -m pytest -q --nbmake --nbmake-timeout=300 chapters

STUDENT_DIR = $(if $(filter zh_CN,$(LANGUAGE)),student-zh,student)
STUDENT_ZIP = $(if $(filter zh_CN,$(LANGUAGE)),student-edition-zh.zip,student-edition.zip)

student: env
	$(PY) tools/make_student.py --language $(LANGUAGE) --out $(STUDENT_DIR) --zip _build/$(STUDENT_ZIP)

student-test: student
	# the student edition, starters unanswered, must still run top to bottom
	$(PY) -m pytest -q --nbmake --nbmake-timeout=300 $(STUDENT_DIR)/chapters

student-zh:
	$(MAKE) student LANGUAGE=zh_CN

student-zh-test:
	$(MAKE) student-test LANGUAGE=zh_CN

translations: env
	$(PY) tools/translations.py update

check-translations: env
	$(PY) tools/translations.py check

test: lint check-translations unit nbmake student-test student-zh-test

notebooks: env
	# --update keeps each notebook's cell ids, so regenerating makes no noise in diffs
	$(VENV)/bin/jupytext --update --to ipynb chapters/*.md teachers.md

# English first: it executes every chapter once, into an execution cache emptied here (a cache
# would not notice a change in lstm_tutorial). The Chinese edition, built from the same sources
# with locales/zh_CN's catalogs, reads every chapter's outputs from that cache: nothing runs twice.
book-en: env student
	rm -rf _build/.jupyter_cache
	$(PY) tools/book_config.py --repository "$(BOOK_REPOSITORY)" --branch "$(BOOK_BRANCH)" --out $(BOOK_CONFIG)
	$(VENV)/bin/jupyter-book build . --config $(BOOK_CONFIG) --all -W --keep-going

book: book-en student-zh
	$(PY) tools/book_config.py --edition zh_CN --repository "$(BOOK_REPOSITORY)" --branch "$(BOOK_BRANCH)" --out $(BOOK_CONFIG_ZH)
	$(VENV)/bin/jupyter-book build . --config $(BOOK_CONFIG_ZH) --path-output $(ZH_BUILD) --all -W --keep-going \
	  > $(ZH_BUILD).log 2>&1; status=$$?; cat $(ZH_BUILD).log; exit $$status
	# nothing ran twice: every chapter's outputs came from the English build's cache
	@if grep "Executing notebook" $(ZH_BUILD).log; then echo "the Chinese build executed a chapter again"; exit 1; fi
	@echo "the Chinese build read $$(grep -c 'Using cached notebook' $(ZH_BUILD).log) executed notebooks from the cache"
	rm -rf _build/html/zh
	cp -r $(ZH_BUILD)/_build/html _build/html/zh
	@echo "The book is at $(CURDIR)/$(BOOK), its Chinese edition at $(CURDIR)/_build/html/zh/index.html"

benchmark: env
	$(PY) tools/benchmark_cells.py

budget: env
	$(PY) tools/budget.py

# After `make book`: every page of _build/html in headless Chromium with no network. Installs
# Debian's chromium and chromedriver if they are missing, and a CJK font for the Chinese edition
# (fonts-noto-cjk), as root or through sudo.
browser-test: env
	@test -f $(BOOK) || { echo "no built book at $(BOOK): run make book first"; exit 1; }
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
	    || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver fonts-noto-cjk; \
	fi
	$(PY) -m pytest -q -m browser tests/browser

determinism: env
	# after `make book`: every chapter run again must print and glue exactly the same
	$(PY) tools/determinism.py

# Chapter 21's trained model, lstm_tutorial/datasets/charlm_stdlib.pt, bit for bit from its seed:
# torch 2.13.0 (CPU), one thread, an Intel CPU whose torch kernels use AVX-512
# (lstm_tutorial.text.charlm.reproducible_here); about 40 minutes.
checkpoint: env
	$(PY) tools/train_charlm.py

checkpoint-check: env
	$(PY) tools/train_charlm.py --check

clean:
	rm -rf _build
