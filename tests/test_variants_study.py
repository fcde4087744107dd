"""The bookkeeping of chapter 15's study: grouping by variant, plateau lengths, table cells."""

import numpy as np
import pytest

from lstm_tutorial.variants_study import by_variant, mean_sd, median_range, steps_to_leave


def test_by_variant_groups_in_order_of_first_appearance():
    grouped = by_variant(["b", "a", "b", "a"], [1, 2, 3, 4])
    assert grouped == {"b": [1, 3], "a": [2, 4]}
    assert list(grouped) == ["b", "a"]
    with pytest.raises(ValueError, match="one value per name, got 1 values for 2 names"):
        by_variant(["a", "b"], [1])


def test_steps_to_leave_reads_the_end_of_each_plateau():
    steps = 200
    left_at_100 = np.where(np.arange(steps) < 100, 0.17, 0.001)
    never = np.full(steps, 0.17)
    always_low = np.full(steps, 0.001)
    curves = np.stack([left_at_100, never, always_low], axis=1)
    ends = steps_to_leave(curves, level=0.05, window=1)
    assert ends == [100, None, 0]
    # a running mean lags behind the curve itself
    assert steps_to_leave(curves, level=0.05, window=50)[0] > 100
    with pytest.raises(ValueError, match="shape \\(step, member\\)"):
        steps_to_leave(np.zeros(5), level=0.1)


def test_table_cells():
    assert mean_sd([0.1, 0.3]) == "0.2000 ± 0.1414"
    assert mean_sd([0.5]) == "0.5000 ± 0.0000"
    assert median_range([300, 200, 400], budget=800) == "300 (200–400)"
    assert median_range([300, None, 400], budget=800) == "400 (300–>800)"
    assert median_range([None, None, 400], budget=800) == ">800 (400–>800)"
    assert median_range([None, None], budget=800) == "never"
