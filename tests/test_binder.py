"""The Binder environment (binder/, repo2docker's conventions), checked without building it.

repo2docker reads binder/runtime.txt for the Python version and runs
`pip install -r binder/requirements.txt` from the repository root. A reader's run-time
packages must be there, pinned to the versions the book is built and tested with
(requirements.txt); torch must be the CPU build from PyTorch's index; the book's package
must be installed from the repository.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
PACKAGE = "lstm-tutorial"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
# What a reader needs besides what the chapters and the package import: a kernel, and
# jupytext to open the .md chapters as notebooks.
READER_TOOLS = {"ipykernel", "jupytext"}
# Build and test tools: a reader never needs them, and they would only make Binder slower.
BUILD_TOOLS = {"jupyter-book", "sphinx", "myst-nb", "pytest", "nbmake", "ruff", "selenium", "sphinx-mathjax-offline"}


def _lines(path: Path) -> list[str]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            lines.append(line)
    return lines


def _pins(path: Path) -> dict[str, Requirement]:
    pins = {}
    for line in _lines(path):
        if line.startswith("-"):
            continue
        requirement = Requirement(line)
        pins[canonicalize_name(requirement.name)] = requirement
    return pins


def _pinned_version(requirement: Requirement) -> Version:
    specs = list(requirement.specifier)
    assert len(specs) == 1 and specs[0].operator == "==", f"{requirement} is not pinned with =="
    return Version(specs[0].version)


class _Imports(ast.NodeVisitor):
    """Top-level module names imported, except those imported under `except ImportError`."""

    def __init__(self):
        self.modules: set[str] = set()
        self._optional = 0

    def visit_Try(self, node):
        caught = set()
        for handler in node.handlers:
            types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            caught |= {"BaseException" if t is None else getattr(t, "id", "") for t in types}
        optional = bool(caught & {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
        self._optional += optional
        for child in node.body:
            self.visit(child)
        self._optional -= optional
        for child in node.handlers + node.orelse + node.finalbody:
            self.visit(child)

    def visit_Import(self, node):
        if not self._optional:
            self.modules.update(alias.name.split(".")[0] for alias in node.names)

    def visit_ImportFrom(self, node):
        if not self._optional and node.level == 0 and node.module:
            self.modules.add(node.module.split(".")[0])


def _imports(source: str, where: str) -> set[str]:
    # IPython magics (%pip, !ls) become `pass`, keeping the indentation of their block.
    source = "\n".join(
        re.sub(r"^(\s*)[%!].*", r"\1pass", line) for line in source.splitlines()
    )
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        pytest.fail(f"{where}: cannot read its imports: {exc}")
    visitor = _Imports()
    visitor.visit(tree)
    return visitor.modules


def _reader_imports() -> dict[str, str]:
    """Third-party modules the chapters and the package import, each with a place it is imported."""
    found: dict[str, str] = {}
    for md in sorted((ROOT / "chapters").glob("*.md")):
        notebook = jupytext.read(md)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                for module in _imports(cell.source, md.name):
                    found.setdefault(module, md.name)
    for py in sorted((ROOT / "lstm_tutorial").rglob("*.py")):
        for module in _imports(py.read_text(encoding="utf-8"), str(py.relative_to(ROOT))):
            found.setdefault(module, str(py.relative_to(ROOT)))
    ours = ("lstm_tutorial", "__future__")
    return {m: w for m, w in found.items() if m not in sys.stdlib_module_names and m not in ours}


def _reader_distributions() -> dict[str, str]:
    """The distributions a reader needs at run time, each with the reason."""
    # The package's dependencies as installed (`make env` reinstalls it when pyproject.toml changes).
    needed = {
        canonicalize_name(Requirement(d).name): "a dependency of the package"
        for d in importlib.metadata.requires(PACKAGE) or []
        if "extra ==" not in d
    }
    needed.update({name: "a reader's tool" for name in READER_TOOLS})
    owners = importlib.metadata.packages_distributions()
    for module, where in _reader_imports().items():
        dists = owners.get(module)
        assert dists, f"{where} imports {module!r}, which no installed distribution provides"
        needed.setdefault(canonicalize_name(dists[0]), f"imported by {where}")
    return needed


BOOK_PINS = _pins(ROOT / "requirements.txt")


def test_runtime_pins_python():
    text = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-(3\.\d+)", text)
    assert match, f"binder/runtime.txt must read python-3.X, not {text!r}"
    requires = importlib.metadata.metadata(PACKAGE)["Requires-Python"]
    assert Version(match.group(1)) in SpecifierSet(requires), f"{text} does not satisfy requires-python {requires}"
    checked = re.search(r"checked on Python (3\.\d+)", (ROOT / "requirements.txt").read_text(encoding="utf-8"))
    if checked:
        assert match.group(1) == checked.group(1), (
            f"binder/runtime.txt pins Python {match.group(1)}, but requirements.txt was checked on {checked.group(1)}"
        )


def test_requirements_are_valid_and_pinned():
    for line in _lines(BINDER / "requirements.txt"):
        if line.startswith("-"):
            option = line.split()
            assert option[0] in ("--extra-index-url", "-e", "--editable"), f"unexpected pip option: {line}"
            assert len(option) == 2, f"an option takes one value: {line}"
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement as exc:
            pytest.fail(f"binder/requirements.txt: {line!r} is not a requirement: {exc}")
        _pinned_version(requirement)


def test_torch_is_the_cpu_build_of_the_book_version():
    lines = _lines(BINDER / "requirements.txt")
    assert f"--extra-index-url {CPU_INDEX}" in lines, f"binder/requirements.txt must add {CPU_INDEX}"
    assert not any(line.startswith(("--index-url", "-i ")) for line in lines), (
        "--index-url would hide PyPI; use --extra-index-url for PyTorch's CPU index"
    )
    torch = _pinned_version(_pins(BINDER / "requirements.txt")["torch"])
    assert torch.local == "cpu", f"torch=={torch} is not the +cpu build"
    book = _pinned_version(BOOK_PINS["torch"])
    assert torch.public == book.public, f"Binder has torch {torch.public}, the book is tested with {book.public}"


@pytest.mark.parametrize("name, reason", sorted(_reader_distributions().items()))
def test_reader_package_pinned_as_in_the_book(name, reason):
    binder = _pins(BINDER / "requirements.txt")
    assert name in BOOK_PINS, f"{name} ({reason}) is not pinned in requirements.txt"
    assert name in binder, f"{name} ({reason}) is missing from binder/requirements.txt"
    want, got = _pinned_version(BOOK_PINS[name]), _pinned_version(binder[name])
    assert got.public == want.public, f"binder/requirements.txt pins {name}=={got}, requirements.txt {want}"


def test_no_build_or_test_tools():
    extra = sorted(set(_pins(BINDER / "requirements.txt")) & {canonicalize_name(n) for n in BUILD_TOOLS})
    assert not extra, f"a reader does not need {extra} on Binder"


def test_the_package_is_installed_from_the_repository():
    lines = _lines(BINDER / "requirements.txt")
    # repo2docker runs pip from the repository root, so "." is the root, where pyproject.toml is.
    assert any(line in ("-e .", "--editable .", ".") for line in lines), (
        "binder/requirements.txt must install the book's package: `-e .`"
    )
    assert (ROOT / "pyproject.toml").is_file()


def test_the_chapters_open_on_binder():
    chapters = sorted((ROOT / "chapters").glob("*.md"))
    assert chapters
    missing = [md.name for md in chapters if not md.with_suffix(".ipynb").is_file()]
    assert not missing, f"the launch buttons open chapters/*.ipynb; missing: {missing}"


COLAB_INSTALL = re.compile(r'%pip install --quiet "lstm-tutorial==([^"]+)"')
PLACEHOLDER = "github.com/lstm-step-by-step/lstm-step-by-step"


def _book_version() -> str:
    # read with a pattern: tomllib is Python 3.11+, the book runs on 3.10+
    return re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M).group(1)


@pytest.mark.parametrize("md", sorted((ROOT / "chapters").glob("*.md")), ids=lambda p: p.name[:2])
def test_colab_cell_installs_the_books_own_release(md):
    """A chapter's Colab cell installs the release of the package this book is, by version,
    and only in Colab; it names no repository."""
    import lstm_tutorial

    cells = [c.source for c in jupytext.read(md).cells if c.cell_type == "code" and "google.colab" in c.source]
    assert len(cells) == 1, f"{md.name}: expected one Colab set-up cell, found {len(cells)}"
    versions = COLAB_INSTALL.findall(cells[0])
    assert versions == [_book_version()], f"{md.name}: installs {versions}, the book is {_book_version()}"
    assert lstm_tutorial.__version__ == _book_version()
    assert 'if "google.colab" in sys.modules:' in cells[0]
    assert "github.com" not in cells[0] and "git+" not in cells[0]


def test_only_the_configuration_names_the_placeholder_repository():
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    naming = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".md", ".ipynb", ".py", ".yml", ".yaml", ".toml", ".txt", ".cff", ".cfg"} and path.is_file():
            if PLACEHOLDER in path.read_text(encoding="utf-8", errors="replace"):
                naming.append(name)
    naming = [n for n in naming if n not in ("_config.yml", "tests/test_binder.py")]
    assert not naming, f"only _config.yml may name the placeholder repository; also: {naming}"


def test_a_build_names_the_repository_it_is_given(tmp_path):
    import yaml

    sys.path.insert(0, str(ROOT / "tools"))
    import book_config

    config = book_config.effective_config("https://github.com/someone/fork.git", "dev")
    assert config["repository"]["url"] == "https://github.com/someone/fork"
    assert config["repository"]["branch"] == "dev"
    for path in config["sphinx"]["local_extensions"].values():
        assert Path(path).is_absolute() and Path(path).is_dir()
    kept = book_config.effective_config()
    assert PLACEHOLDER in kept["repository"]["url"]
    out = tmp_path / "_config.yml"
    book_config.main(["--repository", "https://gitlab.com/group/book", "--out", str(out)])
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert written["repository"]["url"] == "https://gitlab.com/group/book"
    source = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert {k: v for k, v in written.items() if k not in ("repository", "sphinx", "execute")} == {
        k: v for k, v in source.items() if k not in ("repository", "sphinx", "execute")}
    assert {k: v for k, v in written["execute"].items() if k != "cache"} == source["execute"]
    with pytest.raises(ValueError, match="expected a repository URL like https://github.com/owner/name"):
        book_config.effective_config("git@github.com:someone/fork.git")


def test_each_edition_is_configured_from_the_same_source():
    """The Chinese build reads the English build's execution cache (so nothing runs twice) and
    the catalogs; the gettext build runs nothing."""
    sys.path.insert(0, str(ROOT / "tools"))
    import book_config

    english = book_config.effective_config(edition="en")
    chinese = book_config.effective_config(edition="zh_CN")
    templates = book_config.effective_config(edition="gettext")
    assert english["execute"] == chinese["execute"]
    assert english["execute"]["execute_notebooks"] == "cache"
    assert Path(english["execute"]["cache"]).is_absolute()
    assert templates["execute"]["execute_notebooks"] == "off"
    zh = chinese["sphinx"]["config"]
    assert zh["language"] == "zh_CN" and zh["locale_dirs"] == [str(ROOT / "locales")]
    assert "language" not in english["sphinx"]["config"]
    assert all(c["sphinx"]["config"]["gettext_compact"] is False for c in (english, chinese, templates))
    with pytest.raises(ValueError, match="expected an edition among en, zh_CN, gettext, got 'fr'"):
        book_config.effective_config(edition="fr")


def test_the_built_pages_buttons_open_the_given_repository(tmp_path):
    """What the workflow does (`make book BOOK_REPOSITORY=... BOOK_BRANCH=...`), on a book of one
    chapter, not executed: the written configuration goes through Jupyter Book and the theme, and
    the page's repository, Binder and Colab buttons open that repository's paired notebook."""
    import yaml

    sys.path.insert(0, str(ROOT / "tools"))
    import book_config

    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    chapter = "chapters/16_inputs_and_outputs"
    for name in ("intro.md", "references.bib", f"{chapter}.md", f"{chapter}.ipynb"):
        (book / name).write_bytes((ROOT / name).read_bytes())
    (book / "_toc.yml").write_text(f"format: jb-book\nroot: intro\nchapters:\n- file: {chapter}.md\n")
    config_path = book / "_config.yml"
    book_config.main(["--repository", "https://github.com/someone/lstm-fork", "--branch", "dev",
                      "--out", str(config_path)])
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "off"  # the buttons do not depend on the outputs
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(jupyter_book), "build", str(book)], check=True, capture_output=True, text=True)
    html = (book / "_build" / "html" / f"{chapter}.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]*lstm-fork[^"]*)"', html))
    assert links == {
        "https://github.com/someone/lstm-fork",
        f"https://colab.research.google.com/github/someone/lstm-fork/blob/dev/{chapter}.ipynb",
        f"https://mybinder.org/v2/gh/someone/lstm-fork/dev?urlpath=lab/tree/{chapter}.ipynb",
    }, links
    assert PLACEHOLDER not in html
