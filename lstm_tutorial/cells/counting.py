"""How many numbers an ``nn.LSTM`` learns, from its arguments alone (no module is built).

Per layer and direction, with ``R`` the size of the hidden state it feeds back (``proj_size``
if it projects, else ``hidden_size``)::

    weight_ih  4H x I_l       I_l = input_size for layer 0, D * R above it
    weight_hh  4H x R
    bias_ih, bias_hh  4H each (if bias)
    weight_hr  P x H          (if proj_size = P > 0)

and ``D`` (2 if bidirectional, else 1) directions per layer.
"""

from __future__ import annotations


def _positive_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a positive int, got {value!r}")
    return value


def _flag(value, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{what} must be True or False, got {value!r}")
    return value


def lstm_parameter_count(
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bias: bool = True,
    bidirectional: bool = False,
    proj_size: int = 0,
) -> int:
    """The number of learnable scalars in ``nn.LSTM`` built with these arguments.

    The same as ``sum(p.numel() for p in nn.LSTM(...).parameters())``, by a closed formula::

        D * sum over layers l of [4H (I_l + R) + 8H * bias + P H]
    """
    i = _positive_int(input_size, "input_size")
    h = _positive_int(hidden_size, "hidden_size")
    layers = _positive_int(num_layers, "num_layers")
    bias = _flag(bias, "bias")
    bidirectional = _flag(bidirectional, "bidirectional")
    if isinstance(proj_size, bool) or not isinstance(proj_size, int) or proj_size < 0:
        raise ValueError(f"proj_size must be an int >= 0 (0: no projection), got {proj_size!r}")
    if proj_size >= h:
        raise ValueError(f"proj_size must be smaller than hidden_size={h}, got proj_size={proj_size}")
    p = proj_size
    d = 2 if bidirectional else 1
    # r: the size of h_t, fed back into its layer and up to the next one
    r = p if p else h
    # weight_hh, the two biases and weight_hr: the same in every layer
    shared = 4 * h * r + (8 * h if bias else 0) + p * h
    first = 4 * h * i + shared  # layer 0 reads input_size features
    upper = 4 * h * d * r + shared  # the layers above read d * r
    return d * (first + (layers - 1) * upper)


def count_parameters(module) -> int:
    """The number of numbers a module learns: ``sum(p.numel() for p in module.parameters())``."""
    return sum(p.numel() for p in module.parameters())
