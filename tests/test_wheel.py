"""The package by version: `python -m build` makes an sdist and a wheel that carry the data,
and the wheel, installed into a fresh virtual environment outside the checkout with nothing
but torch, NumPy and Matplotlib, runs a chapter.

Slow (a fresh environment, about two minutes): marked `wheel`, and part of `make test`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile
from importlib.metadata import version
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parent.parent
# pyproject.toml's [project] version (read with a pattern: tomllib is Python 3.11+, the book 3.10+)
VERSION = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M).group(1)
DATA = ["lstm_tutorial/datasets/co2_mauna_loa_weekly.csv", "lstm_tutorial/datasets/python_stdlib_3.11.7.zip",
        "lstm_tutorial/datasets/charlm_stdlib.pt", "lstm_tutorial/datasets/README.md"]
# the chapter run from the wheel: one that reads the package's data
CHAPTER = ROOT / "chapters" / "18_time_steps_and_batches.md"

pytestmark = pytest.mark.wheel


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: build with the pinned setuptools of this environment, offline
    command = [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)]
    subprocess.run(command, check=True, capture_output=True, text=True)
    return out


def test_the_sdist_and_the_wheel_carry_the_data_and_pass_twine(dist):
    wheel = dist / f"lstm_tutorial-{VERSION}-py3-none-any.whl"
    sdist = dist / f"lstm_tutorial-{VERSION}.tar.gz"
    assert wheel.is_file() and sdist.is_file(), sorted(p.name for p in dist.iterdir())
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    for name in DATA + ["lstm_tutorial/text/corpus.py", "lstm_tutorial/exercises/_harness.py"]:
        assert name in in_wheel, f"the wheel lacks {name}"
    in_sdist = {n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n}
    for name in DATA:
        assert name in in_sdist, f"the sdist lacks {name}"
    assert not any(n.startswith(("tests/", "chapters/")) for n in in_wheel)
    check = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_wheel_runs_a_chapter_in_a_fresh_environment(dist, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # torch exactly as installed here (its CPU build), NumPy and Matplotlib as pinned: nothing else
    pins = [f"torch=={version('torch')}", f"numpy=={version('numpy')}", f"matplotlib=={version('matplotlib')}"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *pins], check=True, env=env)
    wheel = dist / f"lstm_tutorial-{VERSION}-py3-none-any.whl"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True, env=env)
    where = subprocess.run([str(python), "-c", "import lstm_tutorial as lt; print(lt.__file__, lt.__version__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert Path(where[0]).is_relative_to(venv) and where[1] == VERSION, where
    # the chapter as a plain script, without its Colab-only set-up cell (which would run %pip)
    notebook = jupytext.read(CHAPTER)
    notebook.cells = [c for c in notebook.cells if "google.colab" not in c.source]
    script = tmp_path / "chapter.py"
    script.write_text(jupytext.writes(notebook, fmt="py:percent"), encoding="utf-8")
    run = subprocess.run([str(python), str(script)], cwd=tmp_path, env={**env, "MPLBACKEND": "Agg"},
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "ppmv" in run.stdout
