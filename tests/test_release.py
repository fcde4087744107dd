"""Publishing: the workflows run the README's commands and deploy and release the way the
forge expects, and every place that names the book's version names the same one."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import lstm_tutorial

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
# pyproject.toml's [project] version (read with a pattern: tomllib is Python 3.11+, the book 3.10+)
VERSION = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M).group(1)


def workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def uses(job: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def test_the_book_workflow_runs_the_readmes_commands_on_every_push_and_pull_request():
    book = workflow("book.yml")
    assert set(book["on"]) == {"push", "pull_request"} and book["on"]["push"] is None
    build = book["jobs"]["build"]
    assert build["runs-on"].startswith("ubuntu") and build["container"].startswith("python:3.11")
    commands = runs(build)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("make test", "make book", "make browser-test"):
        assert command in readme, f"the README does not give {command}"
        assert any(c.startswith(command) for c in commands), f"the workflow does not run {command}"
    order = [next(k for k, c in enumerate(commands) if c.startswith(m)) for m in
             ("make test", "make book", "make browser-test")]
    assert order == sorted(order)
    # the CPU build of torch, as the README says, before make creates the rest
    first = commands[0]
    assert "torch==2.13.0" in first and "--index-url https://download.pytorch.org/whl/cpu" in first
    assert "torch==2.13.0" in (ROOT / "requirements.txt").read_text(encoding="utf-8")
    # the buttons name the repository the workflow runs in
    book_step = next(c for c in commands if c.startswith("make book"))
    assert 'BOOK_REPOSITORY="${{ github.server_url }}/${{ github.repository }}"' in book_step
    assert "BOOK_BRANCH=" in book_step


def test_main_deploys_the_built_book_with_the_official_pages_actions():
    book = workflow("book.yml")
    build, deploy = book["jobs"]["build"], book["jobs"]["deploy"]
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    on_main = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert upload["if"] == on_main and deploy["if"] == on_main
    assert deploy["needs"] == "build" and uses(deploy) == ["actions/deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert book["permissions"] == {"contents": "read"}


def test_a_version_tag_builds_checks_and_publishes_by_trusted_publishing():
    release = workflow("release.yml")
    assert release["on"] == {"push": {"tags": ["v*"]}}
    build, publish = release["jobs"]["build"], release["jobs"]["publish"]
    script = "\n".join(runs(build))
    assert 'test "v$version" = "$GITHUB_REF_NAME"' in script
    assert "python -m build" in script and "twine check --strict dist/*" in script
    for pin in re.findall(r"(setuptools|build|twine)==([\d.]+)", script):
        assert f"{pin[0]}=={pin[1]}" in (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert publish["needs"] == "build" and "pypa/gh-action-pypi-publish" in uses(publish)
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    text = (WORKFLOWS / "release.yml").read_text(encoding="utf-8")
    assert "secrets." not in text and "password" not in text, "trusted publishing: no token in the repository"


def test_every_place_names_the_same_version():
    assert lstm_tutorial.__version__ == VERSION
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == VERSION and citation["cff-version"] == "1.2.0"
    assert f"version {VERSION}" in (ROOT / "intro.md").read_text(encoding="utf-8")
    errata = (ROOT / "errata.md").read_text(encoding="utf-8")
    newest = re.findall(r"^## Version (\S+)", errata, re.M)
    assert newest and newest[0] == VERSION, f"the errata page's newest entry is {newest[:1]}, the book {VERSION}"
    assert "errata.md" in (ROOT / "_toc.yml").read_text(encoding="utf-8")
