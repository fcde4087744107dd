"""The recurrent cells, each written from scratch and checked against ``torch.nn``, and
``unroll``, the loop that runs any of them along a sequence."""

from .ablation import LSTMVariantCell
from .cell import RecurrentCell
from .coupled import CoupledLSTMCell
from .gru import GRUCell
from .lstm import LSTMCell
from .peephole import PeepholeLSTMCell
from .rnn import RNNCell
from .unroll import record_gates, unroll

__all__ = [
    "CoupledLSTMCell",
    "GRUCell",
    "LSTMCell",
    "LSTMVariantCell",
    "PeepholeLSTMCell",
    "RNNCell",
    "RecurrentCell",
    "record_gates",
    "unroll",
]
