"""Write the configuration a build of the book uses: _config.yml, with the repository it is
built from.

The launch buttons (Binder, Colab) and the repository button of every page point at
``repository.url`` and ``repository.branch``. ``_config.yml`` holds a placeholder, the one
place in the project that names it; a build from a real repository (the workflow in
.github/workflows passes its own) gives the URL here, so the real home and every fork get
buttons that open their own notebooks:

    python tools/book_config.py [--repository URL] [--branch BRANCH] --out _build/config/_config.yml

Paths in the configuration that Jupyter Book reads relative to the configuration file (the
local Sphinx extensions, the execution cache) are made absolute, so the written file works
from where it is.

The same sources build three ways (``--edition``):

- ``en``, the English book: every chapter executed, outputs kept in the execution cache
  (``_build/.jupyter_cache``, emptied by ``make book`` before it builds, so nothing stale is
  reused);
- ``zh_CN``, the Chinese edition: the messages from ``locales/zh_CN/LC_MESSAGES``, every
  chapter's outputs read from that cache: the chapters are not run a second time;
- ``gettext``, the message templates (``make translations``): nothing executed, because a
  template holds the sources' text only.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "_config.yml"
REPOSITORY = re.compile(r"^https://[\w.-]+/[\w.-]+/[\w.-]+$")
EXECUTION_CACHE = ROOT / "_build" / ".jupyter_cache"
LOCALES = ROOT / "locales"
EDITIONS = ("en", "zh_CN", "gettext")
# The book's title and authors are configuration, not a catalog's message.
TITLES = {"zh_CN": "循序渐进学 LSTM"}
AUTHORS = {"zh_CN": "《LSTM, step by step》作者"}


def effective_config(repository: str | None = None, branch: str | None = None, edition: str = "en") -> dict:
    if edition not in EDITIONS:
        raise ValueError(f"expected an edition among {', '.join(EDITIONS)}, got {edition!r}")
    config = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    if repository:
        repository = repository.rstrip("/").removesuffix(".git")
        if not REPOSITORY.match(repository):
            raise ValueError(f"expected a repository URL like https://github.com/owner/name, got {repository!r}")
        config["repository"]["url"] = repository
    if branch:
        config["repository"]["branch"] = branch
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, path in local.items():
        local[name] = str((ROOT / path).resolve())
    config["execute"]["cache"] = str(EXECUTION_CACHE)
    sphinx = config["sphinx"].setdefault("config", {})
    # One catalog per page (chapters/04_the_repeating_module.po, not one chapters.po), and no
    # source line numbers in them: a line moving above an entry does not touch the entry.
    sphinx["gettext_compact"] = False
    sphinx["gettext_location"] = False
    sphinx["gettext_uuid"] = False
    if edition == "gettext":
        config["execute"]["execute_notebooks"] = "off"
    elif edition == "zh_CN":
        sphinx["language"] = "zh_CN"
        sphinx["locale_dirs"] = [str(LOCALES)]
        config["title"] = TITLES["zh_CN"]
        config["author"] = AUTHORS["zh_CN"]
    return config


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", default="", help="the repository's URL (empty: keep the placeholder)")
    parser.add_argument("--branch", default="", help="the branch the launch buttons open (empty: keep it)")
    parser.add_argument("--edition", default="en", choices=EDITIONS, help="which build the configuration is for")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    config = effective_config(args.repository or None, args.branch or None, args.edition)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("# Written by tools/book_config.py from _config.yml: edit that file, not this one.\n"
                        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    where = f"{config['repository']['url']} ({config['repository']['branch']})"
    print(f"{args.out}: {args.edition} edition, repository {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
