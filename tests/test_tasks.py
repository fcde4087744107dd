import pytest
import torch

from lstm_tutorial import LSTMCell, RNNCell
from lstm_tutorial.gradients import gradient_through_time
from lstm_tutorial.tasks import (
    ADDING_BASELINE_MSE,
    GENDER_TOKENS,
    NUMBER_TOKENS,
    adding_problem,
    gender_stream,
    number_stream,
    remember_bit,
)


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_adding_targets_are_the_sum_of_the_marked_values():
    x, y = adding_problem(256, 30, generator=gen())
    assert x.shape == (256, 30, 2) and y.shape == (256, 1)
    markers = x[..., 1]
    assert torch.all(markers.sum(dim=1) == 2)
    assert torch.all(markers[:, :15].sum(dim=1) == 1) and torch.all(markers[:, 15:].sum(dim=1) == 1)
    marked = [x[b, markers[b] == 1, 0].sum() for b in range(256)]
    torch.testing.assert_close(y[:, 0], torch.stack(marked))
    assert x[..., 0].min() >= 0 and x[..., 0].max() <= 1


def test_adding_baseline_is_one_sixth():
    _, y = adding_problem(200_000, 4, generator=gen(1))
    mse_of_guessing_one = ((y - 1.0) ** 2).mean().item()
    assert abs(mse_of_guessing_one - ADDING_BASELINE_MSE) < 0.003


def test_adding_is_seeded():
    a, b = adding_problem(4, 10, generator=gen(3)), adding_problem(4, 10, generator=gen(3))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


@pytest.mark.parametrize("kwargs, message", [
    (dict(batch=0, steps=10), "batch must be an int >= 1, got 0"),
    (dict(batch=4, steps=1), "steps must be an int >= 2, got 1"),
    (dict(batch=4, steps=10.0), "steps must be an int >= 2, got 10.0"),
])
def test_adding_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        adding_problem(**kwargs)


def test_remember_bit_puts_the_bit_first():
    x, y = remember_bit(64, 7, noise=0.5, generator=gen())
    assert x.shape == (64, 8, 1) and y.shape == (64,)
    torch.testing.assert_close(x[:, 0, 0], 2 * y - 1)
    assert set(y.tolist()) == {0.0, 1.0}
    x, _ = remember_bit(8, 5, noise=0.0, generator=gen())
    assert torch.all(x[:, 1:] == 0)


@pytest.mark.parametrize("kwargs, message", [
    (dict(batch=4, gap=-1), "gap must be an int >= 0, got -1"),
    (dict(batch=4, gap=3, noise=-0.5), "noise must be a standard deviation >= 0, got -0.5"),
])
def test_remember_bit_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        remember_bit(**kwargs)


def test_gender_targets_follow_the_latest_subject():
    x, y, tokens = gender_stream(64, 40, generator=gen())
    assert x.shape == (64, 40, len(GENDER_TOKENS)) and torch.equal(x.argmax(-1), tokens)
    assert torch.all(tokens[:, 0] > 0)
    for b in range(64):
        current = None
        for t in range(40):
            if tokens[b, t] > 0:
                current = int(tokens[b, t])
            assert y[b, t, 0] == (1.0 if current == 1 else 0.0)


def test_number_targets_only_at_verbs():
    x, y, tokens = number_stream(64, 40, generator=gen())
    assert x.shape == (64, 40, len(NUMBER_TOKENS))
    assert torch.all(y[tokens != 3] == 0)
    for b in range(64):
        current = None
        for t in range(40):
            if tokens[b, t] in (1, 2):
                current = int(tokens[b, t])
            if tokens[b, t] == 3:
                assert y[b, t, 0] == (1.0 if current == 1 else -1.0)
    assert (tokens == 3).any()


def test_toy_streams_bad_probabilities():
    with pytest.raises(ValueError, match="p_subject must be a probability in \\(0, 1\\), got 1.5"):
        gender_stream(2, 5, p_subject=1.5)
    with pytest.raises(ValueError, match="sum below 1, got 0.5 and 0.6"):
        number_stream(2, 5, p_subject=0.5, p_verb=0.6)


def test_gradient_stops_where_the_state_is_not_used():
    cell = RNNCell(3, 5).double()
    with torch.no_grad():
        cell.weight_h.zero_()  # h_t no longer depends on h_{t-1}
    norms = gradient_through_time(cell, torch.randn(4, 6, 3, dtype=torch.float64))["h"]
    assert norms.shape == (6,)
    assert norms[0] > 0 and torch.all(norms[1:] == 0)


def test_open_forget_gate_carries_the_gradient_unchanged():
    cell = LSTMCell(3, 5, forget_bias=50.0).double()  # f_t = 1 to machine precision
    with torch.no_grad():
        cell.weight_h.zero_()  # the gates do not depend on the state
    g = gradient_through_time(cell, torch.randn(4, 20, 3, dtype=torch.float64))
    # c_t = c_{t-1} + i_t g_t, so d loss / d c_t is the same at every distance
    torch.testing.assert_close(g["c"], g["c"][0].expand(20))
    assert torch.all(g["h"][1:] == 0)


def test_gradient_through_time_matches_autograd_on_two_steps():
    cell = RNNCell(2, 3).double()
    x = torch.randn(1, 2, 2, dtype=torch.float64)
    norms = gradient_through_time(cell, x)["h"]
    # by hand: d loss / d h_0 = W_h^T diag(1 - h_1^2) d loss / d h_1
    h0 = torch.tanh(x[0, 0] @ cell.weight_x.T + cell.bias)
    h1 = torch.tanh(x[0, 1] @ cell.weight_x.T + h0 @ cell.weight_h.T + cell.bias)
    direction = torch.randn(3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    d1 = direction / direction.norm()
    d0 = cell.weight_h.T @ ((1 - h1**2) * d1)
    torch.testing.assert_close(norms, torch.stack([d1.norm(), d0.norm()]).detach())


def test_toy_example_shows_both_kinds_of_subject_and_verb():
    from lstm_tutorial.experiments import toy_example

    x, tokens, words = toy_example("number")
    assert x.shape == (1, 30, len(NUMBER_TOKENS)) and len(words) == 30
    current = None
    seen = set()
    for word in words:
        if word in ("cat", "cats"):
            current = word
        if word == "VERB":
            seen.add(current)
    assert seen == {"cat", "cats"}
    _, tokens, words = toy_example("gender", min_subjects=3)
    assert {"Anna", "Ben"} <= set(words) and sum(w != "word" for w in words) >= 3


def test_toys_refuse_unknown_tasks():
    from lstm_tutorial.experiments import toy_example, train_toy

    with pytest.raises(ValueError, match="task must be one of \\['gender', 'number'\\], got 'colour'"):
        train_toy("colour")
    with pytest.raises(ValueError, match="got 'colour'"):
        toy_example("colour")


def test_timed_spike_answers_after_the_delay():
    from lstm_tutorial.tasks import timed_spike

    x, y, start = timed_spike(64, 26, 8, generator=gen())
    assert x.shape == y.shape == (64, 26, 1)
    assert torch.all(x.sum(dim=(1, 2)) == 1) and torch.all(y.sum(dim=(1, 2)) == 1)
    assert torch.all(x[:, :, 0].argmax(dim=1) == start)
    assert torch.all(y[:, :, 0].argmax(dim=1) == start + 8)
    assert start.max() < 13
    with pytest.raises(ValueError, match="steps must be at least 2 \\* delay .* got steps=10, delay=8"):
        timed_spike(4, 10, 8)


def test_one_hot_words_encodes_as_the_streams_do():
    from lstm_tutorial.tasks import one_hot_words

    x, _, tokens = gender_stream(1, 12, generator=gen(4))
    text = " ".join(GENDER_TOKENS[t] for t in tokens[0].tolist())
    assert torch.equal(one_hot_words(text), x)
    assert torch.equal(one_hot_words(text.split()), x)
    assert one_hot_words("cats VERB", NUMBER_TOKENS).shape == (1, 2, len(NUMBER_TOKENS))
    with pytest.raises(ValueError, match="'Carl' is not a word of the vocabulary \\['word', 'Anna', 'Ben'\\]"):
        one_hot_words("Anna Carl")
    with pytest.raises(ValueError, match="at least one word"):
        one_hot_words("")


def test_latest_subject_is_the_most_recent_subject_token():
    from lstm_tutorial.tasks import latest_subject

    tokens = torch.tensor([[1, 0, 0, 2, 3, 0, 1], [2, 3, 3, 0, 0, 0, 0]])
    assert latest_subject(tokens).tolist() == [[1, 1, 1, 2, 2, 2, 1], [2, 2, 2, 2, 2, 2, 2]]
    _, y, tokens = gender_stream(16, 20, generator=gen(5))
    assert torch.equal((latest_subject(tokens) == 1).float(), y[..., 0])
