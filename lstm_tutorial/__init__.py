"""Shared code for the book *LSTM, step by step*.

Its folders are the book's architecture:

- ``cells``: the recurrent cells written from scratch, each checked against ``torch.nn``,
  and ``unroll``, the loop that runs one along a sequence;
- ``models``: what is built from them (a cell with a read-out, ensembles, attention, forecasters);
- ``data``: the real series, the synthetic tasks, windows and batches;
- ``training``: the seeded training loop and the small experiments and measurements;
- ``figures``: the diagrams and plots, drawn with Matplotlib;
- ``text``: Part V's corpus, n-gram models and character-level language model;
- ``exercises``: the checkers of the chapters' exercises.

``import lstm_tutorial as lt`` gives the names the chapters use (``lt.LSTMCell``, ``lt.unroll``,
``lt.tasks``, ``lt.plots`` ...). Each module is also reachable by its short name, as before the
package had folders: ``lstm_tutorial.tasks`` is ``lstm_tutorial.data.tasks``.
"""

import sys as _sys

from . import cells, data, exercises, figures, models, text, training
from .book import glue, glued, show_lines
from .cells import (
    CoupledLSTMCell,
    GRUCell,
    LSTMCell,
    LSTMVariantCell,
    PeepholeLSTMCell,
    RecurrentCell,
    RNNCell,
    ablation,
    cell,
    clockwork,
    counting,
    coupled,
    depth_gated,
    gru,
    lstm,
    peephole,
    record_gates,
    rnn,
    unroll,
)
from .data import lengths, sliding_windows, stateful, tasks, windows
from .figures import diagrams, plots
from .models import SequenceModel, attention, ensemble, forecasting, model
from .training import experiments, gradients, reproducible, train, train_epochs, variants_study

# The short module names of the flat package (``lstm_tutorial.tasks``), kept working so that
# `import lstm_tutorial.tasks` and `from lstm_tutorial.windows import ...` still find them.
# ``lstm_tutorial.data`` and ``lstm_tutorial.training`` are now folders that re-export what those
# modules held; ``lt.unroll`` is the function, as it always was.
_SHORT_NAMES = {
    "ablation": ablation,
    "attention": attention,
    "cell": cell,
    "clockwork": clockwork,
    "counting": counting,
    "coupled": coupled,
    "depth_gated": depth_gated,
    "diagrams": diagrams,
    "ensemble": ensemble,
    "experiments": experiments,
    "forecasting": forecasting,
    "gradients": gradients,
    "gru": gru,
    "lengths": lengths,
    "lstm": lstm,
    "model": model,
    "peephole": peephole,
    "plots": plots,
    "rnn": rnn,
    "stateful": stateful,
    "tasks": tasks,
    "unroll": _sys.modules[__name__ + ".cells.unroll"],
    "variants_study": variants_study,
    "windows": windows,
}
for _short, _module in _SHORT_NAMES.items():
    _sys.modules.setdefault(f"{__name__}.{_short}", _module)
del _short, _module

__all__ = [
    "ablation",
    "attention",
    "cells",
    "counting",
    "data",
    "diagrams",
    "ensemble",
    "exercises",
    "experiments",
    "figures",
    "forecasting",
    "gradients",
    "lengths",
    "models",
    "plots",
    "stateful",
    "tasks",
    "text",
    "training",
    "CoupledLSTMCell",
    "GRUCell",
    "LSTMCell",
    "LSTMVariantCell",
    "PeepholeLSTMCell",
    "RNNCell",
    "RecurrentCell",
    "SequenceModel",
    "glue",
    "glued",
    "record_gates",
    "reproducible",
    "show_lines",
    "sliding_windows",
    "train",
    "train_epochs",
    "unroll",
]

__version__ = "0.2.0"
