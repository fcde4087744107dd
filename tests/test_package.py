"""The package's shape: folders by idea, and the names readers and other code already use still work."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import lstm_tutorial as lt

PACKAGE = Path(lt.__file__).resolve().parent

# Where each module of the flat package went.
MOVED = {
    "ablation": "cells.ablation",
    "cell": "cells.cell",
    "clockwork": "cells.clockwork",
    "counting": "cells.counting",
    "coupled": "cells.coupled",
    "depth_gated": "cells.depth_gated",
    "gru": "cells.gru",
    "lstm": "cells.lstm",
    "peephole": "cells.peephole",
    "rnn": "cells.rnn",
    "unroll": "cells.unroll",
    "attention": "models.attention",
    "ensemble": "models.ensemble",
    "forecasting": "models.forecasting",
    "model": "models.model",
    "lengths": "data.lengths",
    "stateful": "data.stateful",
    "tasks": "data.tasks",
    "windows": "data.windows",
    "experiments": "training.experiments",
    "gradients": "training.gradients",
    "variants_study": "training.variants_study",
    "diagrams": "figures.diagrams",
    "plots": "figures.plots",
}


@pytest.mark.parametrize("short, full", sorted(MOVED.items()))
def test_a_short_module_name_is_the_module_in_its_folder(short, full):
    assert importlib.import_module(f"lstm_tutorial.{short}") is importlib.import_module(f"lstm_tutorial.{full}")


def test_the_short_names_work_in_a_fresh_interpreter():
    # the aliases must not depend on what this test session happened to import first
    code = (
        "from lstm_tutorial.tasks import adding_problem\n"
        "from lstm_tutorial.windows import sliding_windows\n"
        "from lstm_tutorial.unroll import unroll\n"
        "from lstm_tutorial.data import load_co2\n"
        "from lstm_tutorial.training import train, reproducible\n"
        "import lstm_tutorial.ensemble\n"
        "import lstm_tutorial as lt\n"
        "assert lt.unroll is unroll and callable(unroll)\n"
        "assert lt.tasks.adding_problem is adding_problem\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_public_name_exists():
    missing = [name for name in lt.__all__ if not hasattr(lt, name)]
    assert not missing, f"lt.__all__ names what lt does not have: {missing}"


def test_the_contract_names():
    from lstm_tutorial import CoupledLSTMCell, GRUCell, LSTMCell, PeepholeLSTMCell, RNNCell, unroll

    assert all(callable(obj) for obj in (CoupledLSTMCell, GRUCell, LSTMCell, PeepholeLSTMCell, RNNCell, unroll))
    assert lt.data.load_co2 is lt.data.co2.load_co2
    assert lt.sliding_windows is lt.data.windows.sliding_windows


def test_no_module_is_left_at_the_top_but_the_shared_ones():
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert top == ["__init__", "_checks", "book"], f"modules at the package's top level: {top}"


def test_every_module_imports():
    failed = []
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="lstm_tutorial."):
        try:
            importlib.import_module(info.name)
        except Exception as error:  # noqa: BLE001 - report them all at once
            failed.append(f"{info.name}: {error!r}")
    assert not failed, failed
