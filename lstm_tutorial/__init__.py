"""Shared code for the book *LSTM, step by step*.

Recurrent cells written from scratch, each checked against ``torch.nn``; a loop that runs
them along a sequence; and the small tools the chapters share (windows, training, figures).
"""

from . import (
    ablation,
    attention,
    counting,
    data,
    diagrams,
    ensemble,
    exercises,
    experiments,
    gradients,
    plots,
    stateful,
    tasks,
)
from .ablation import LSTMVariantCell
from .book import glue, glued, show_lines
from .cell import RecurrentCell
from .coupled import CoupledLSTMCell
from .gru import GRUCell
from .lstm import LSTMCell
from .model import SequenceModel
from .peephole import PeepholeLSTMCell
from .rnn import RNNCell
from .training import reproducible, train, train_epochs
from .unroll import record_gates, unroll
from .windows import sliding_windows

__all__ = [
    "ablation",
    "attention",
    "counting",
    "data",
    "ensemble",
    "exercises",
    "LSTMVariantCell",
    "diagrams",
    "experiments",
    "gradients",
    "plots",
    "stateful",
    "tasks",
    "CoupledLSTMCell",
    "GRUCell",
    "LSTMCell",
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
