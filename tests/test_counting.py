"""lstm_parameter_count's closed formula against the parameters of a real nn.LSTM."""

import itertools
import re

import pytest
from torch import nn

from lstm_tutorial.counting import lstm_parameter_count

GRID = list(
    itertools.product(
        [1, 3, 8],  # input_size
        [2, 5],  # hidden_size
        [1, 2, 3],  # num_layers
        [True, False],  # bias
        [False, True],  # bidirectional
        [0, 1],  # proj_size
    )
)


def torch_count(*args, **kwargs) -> int:
    return sum(p.numel() for p in nn.LSTM(*args, **kwargs).parameters())


@pytest.mark.parametrize("input_size, hidden_size, num_layers, bias, bidirectional, proj_size", GRID)
def test_counting_matches_nn_lstm(input_size, hidden_size, num_layers, bias, bidirectional, proj_size):
    kwargs = dict(num_layers=num_layers, bias=bias, bidirectional=bidirectional, proj_size=proj_size)
    assert lstm_parameter_count(input_size, hidden_size, **kwargs) == torch_count(input_size, hidden_size, **kwargs)


@pytest.mark.parametrize("proj_size", [1, 3, 6])
def test_counting_with_larger_projections(proj_size):
    kwargs = dict(num_layers=2, bidirectional=True, proj_size=proj_size)
    assert lstm_parameter_count(4, 7, **kwargs) == torch_count(4, 7, **kwargs)


def test_counting_defaults():
    assert lstm_parameter_count(10, 20) == torch_count(10, 20) == 4 * 20 * (10 + 20) + 8 * 20


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(input_size=0, hidden_size=4), "input_size must be a positive int, got 0"),
        (dict(input_size=3, hidden_size=-1), "hidden_size must be a positive int, got -1"),
        (dict(input_size=3, hidden_size=2.5), "hidden_size must be a positive int, got 2.5"),
        (dict(input_size=3, hidden_size=4, num_layers=0), "num_layers must be a positive int, got 0"),
        (dict(input_size=True, hidden_size=4), "input_size must be a positive int, got True"),
        (dict(input_size=3, hidden_size=4, bias=1), "bias must be True or False, got 1"),
        (dict(input_size=3, hidden_size=4, bidirectional="yes"), "bidirectional must be True or False, got 'yes'"),
        (dict(input_size=3, hidden_size=4, proj_size=-2), "proj_size must be an int >= 0 (0: no projection), got -2"),
        (dict(input_size=3, hidden_size=4, proj_size=4), "smaller than hidden_size=4, got proj_size=4"),
        (dict(input_size=3, hidden_size=4, proj_size=9), "smaller than hidden_size=4, got proj_size=9"),
    ],
)
def test_counting_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        lstm_parameter_count(**kwargs)


@pytest.mark.parametrize("proj_size", [4, 9])
def test_counting_agrees_with_torch_on_proj_size_limit(proj_size):
    # PyTorch refuses these too, so the formula is not stricter than the module
    with pytest.raises(ValueError):
        nn.LSTM(3, 4, proj_size=proj_size)


def test_count_parameters_counts_every_learned_number():
    from torch import nn

    from lstm_tutorial.counting import count_parameters

    assert count_parameters(nn.Linear(3, 2)) == 3 * 2 + 2
    assert count_parameters(nn.LSTM(3, 4)) == lstm_parameter_count(3, 4)
