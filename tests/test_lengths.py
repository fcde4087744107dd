"""Padding and reading padded batches: ``lstm_tutorial.lengths`` against packed ``torch.nn`` and against
each row run alone."""

import pytest
import torch
from torch import nn
from torch.nn.functional import cross_entropy
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import lstm_tutorial as lt
from lstm_tutorial.lengths import (
    READS,
    BagOfCharacters,
    CharacterPairs,
    LineClassifier,
    accuracy_by_length,
    at_lengths,
    batches,
    pad_lines,
    predict,
    random_batches,
    real_steps,
    reverse_within_lengths,
)
from lstm_tutorial.text import corpus

LINES = ["import os", "x", "    return self._data[key]", "The \"if\" statement is used", "ab"]


def random_lengths(gen, batch, time):
    lengths = torch.randint(1, time + 1, (batch,), generator=gen)
    lengths[0] = time
    return lengths


# -- padding ------------------------------------------------------------------------------------------------


def test_pad_lines_pads_with_the_padding_index_after_each_line():
    x, lengths = pad_lines(LINES)
    assert lengths.tolist() == [len(line) for line in LINES]
    assert x.shape == (len(LINES), max(map(len, LINES)))
    for row, line, n in zip(x, LINES, lengths.tolist(), strict=True):
        assert corpus.decode(row[:n]) == line and (row[n:] == corpus.PAD).all()
    x_long, lengths_long = pad_lines(LINES, total_length=40)
    assert x_long.shape == (len(LINES), 40) and torch.equal(x_long[:, : x.shape[1]], x)
    assert torch.equal(lengths_long, lengths)


@pytest.mark.parametrize("bad", [[], "a line", ["ok", ""]], ids=["empty list", "str", "empty line"])
def test_pad_lines_refuses_what_is_not_lines(bad):
    with pytest.raises(ValueError, match="pad_lines expected"):
        pad_lines(bad)


def test_pad_lines_refuses_a_total_length_too_short():
    with pytest.raises(ValueError, match="shorter than the longest line"):
        pad_lines(LINES, total_length=3)


def test_real_steps_is_the_mask():
    mask = real_steps(torch.tensor([3, 1, 4]), 5)
    assert mask.tolist() == [[True] * 3 + [False] * 2, [True] + [False] * 4, [True] * 4 + [False]]


# -- reading at the last real step --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_at_lengths_of_an_unpacked_run_is_h_n_of_a_packed_run(seed):
    gen = torch.Generator().manual_seed(seed)
    batch, time = int(torch.randint(1, 6, (1,), generator=gen)), int(torch.randint(1, 8, (1,), generator=gen))
    lstm = nn.LSTM(3, 4, batch_first=True, dtype=torch.float64)
    x = torch.randn(batch, time, 3, generator=gen, dtype=torch.float64)
    lengths = random_lengths(gen, batch, time)
    x_padded = torch.where(real_steps(lengths, time).unsqueeze(2), x, 7.0)  # padding that is not zero
    unpacked, _ = lstm(x_padded)
    _, (h_n, _) = lstm(pack_padded_sequence(x_padded, lengths, batch_first=True, enforce_sorted=False))
    torch.testing.assert_close(at_lengths(unpacked, lengths), h_n[-1], atol=1e-12, rtol=0)
    torch.testing.assert_close(at_lengths(unpacked, lengths.tolist()), h_n[-1], atol=1e-12, rtol=0)


@pytest.mark.parametrize("lengths", [[0, 2], [3, 6], [[1, 2]], [1.0, 2.0]], ids=["0", "too long", "2-D", "float"])
def test_at_lengths_refuses_bad_lengths(lengths):
    with pytest.raises(ValueError, match="expected"):
        at_lengths(torch.zeros(2, 5, 3), torch.tensor(lengths))


def test_reverse_within_lengths_reverses_the_real_steps_and_keeps_the_padding():
    x = torch.tensor([[1, 2, 0, 0], [1, 2, 3, 4], [5, 0, 0, 0]]).unsqueeze(2)
    flipped = reverse_within_lengths(x, torch.tensor([2, 4, 1]))
    assert flipped[..., 0].tolist() == [[2, 1, 0, 0], [4, 3, 2, 1], [5, 0, 0, 0]]
    torch.testing.assert_close(reverse_within_lengths(flipped, torch.tensor([2, 4, 1])), x)
    two_d = reverse_within_lengths(x[..., 0], torch.tensor([2, 4, 1]))  # (batch, time) works too
    assert torch.equal(two_d, flipped[..., 0])


@pytest.mark.parametrize("seed", range(4))
def test_a_forward_lstm_on_reversed_rows_is_the_packed_backward_direction(seed):
    gen = torch.Generator().manual_seed(seed)
    batch, time = int(torch.randint(1, 6, (1,), generator=gen)), int(torch.randint(1, 8, (1,), generator=gen))
    bi = nn.LSTM(2, 3, batch_first=True, bidirectional=True, dtype=torch.float64)
    backward = nn.LSTM(2, 3, batch_first=True, dtype=torch.float64)
    backward.load_state_dict({k.removesuffix("_reverse"): v for k, v in bi.state_dict().items() if "_reverse" in k})
    x = torch.randn(batch, time, 2, generator=gen, dtype=torch.float64)
    lengths = random_lengths(gen, batch, time)
    packed, (h_n, _) = bi(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
    out, _ = pad_packed_sequence(packed, batch_first=True, total_length=time)
    mine, _ = backward(reverse_within_lengths(x, lengths))
    torch.testing.assert_close(at_lengths(mine, lengths), h_n[-1], atol=1e-12, rtol=0)
    real = real_steps(lengths, time)
    torch.testing.assert_close(reverse_within_lengths(mine, lengths)[real], out[..., 3:][real], atol=1e-12, rtol=0)


# -- the classifier -----------------------------------------------------------------------------------------


def batch_of_lines():
    return pad_lines(LINES, total_length=30)


def test_every_read_gives_one_vector_per_line_and_two_logits():
    x, lengths = batch_of_lines()
    for read in READS:
        torch.manual_seed(0)
        model = LineClassifier(5, 4, read=read)
        assert model.summary(x, lengths).shape == (len(LINES), 5)
        assert model((x, lengths)).shape == (len(LINES), 2)
    for read in ("packed", "last step"):
        assert LineClassifier(5, 4, bidirectional=True, read=read)((x, lengths)).shape == (len(LINES), 2)


def test_the_right_reads_agree_and_do_not_depend_on_the_padding():
    x, lengths = batch_of_lines()
    x_short, _ = pad_lines(LINES)
    torch.manual_seed(0)
    model = LineClassifier(6, 4, read="packed").double()
    packed = model.summary(x, lengths)
    model.read = "at lengths"
    torch.testing.assert_close(model.summary(x, lengths), packed, atol=1e-12, rtol=0)
    torch.testing.assert_close(model.summary(x_short, lengths), packed, atol=1e-12, rtol=0)
    alone = torch.cat([model.summary(*pad_lines([line])) for line in LINES])
    torch.testing.assert_close(alone, packed, atol=1e-12, rtol=0)


def test_the_wrong_reads_are_wrong_for_the_short_lines_only():
    x, lengths = pad_lines(LINES)
    torch.manual_seed(0)
    model = LineClassifier(6, 4, read="at lengths").double()
    right = model.summary(x, lengths)
    full = lengths == x.shape[1]
    for read in ("last step", "packed, last step"):
        model.read = read
        wrong = model.summary(x, lengths)
        torch.testing.assert_close(wrong[full], right[full], atol=1e-12, rtol=0)
        assert ((wrong - right).abs().amax(dim=1)[~full] > 1e-4).all()
    assert (wrong[~full] == 0).all()  # packed, last step: zeros


def test_the_bidirectional_classifier_is_a_packed_bidirectional_lstm():
    x, lengths = batch_of_lines()
    torch.manual_seed(0)
    model = LineClassifier(5, 4, bidirectional=True, read="packed").double()
    lstm = model.as_bidirectional_lstm()
    e = model.embed(x)
    _, (h_n, _) = lstm(pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False))
    torch.testing.assert_close(model.summary(x, lengths), torch.cat([h_n[-2], h_n[-1]], dim=1), atol=1e-12, rtol=0)
    model.read = "last step"  # as the same layer runs without packing
    _, (h_u, _) = lstm(e)
    torch.testing.assert_close(model.summary(x, lengths), torch.cat([h_u[-2], h_u[-1]], dim=1), atol=1e-12, rtol=0)


def test_every_step_is_exact_at_the_real_steps():
    x, lengths = batch_of_lines()
    torch.manual_seed(0)
    model = LineClassifier(5, 4).double()
    logits = model.every_step(x)
    e = model.embed(x)
    packed, _ = model.forward_lstm(pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False))
    out, _ = pad_packed_sequence(packed, batch_first=True, total_length=x.shape[1])
    real = real_steps(lengths, x.shape[1])
    torch.testing.assert_close(logits[real], model.head(out)[real], atol=1e-12, rtol=0)
    torch.testing.assert_close(at_lengths(logits, lengths), model((x, lengths)), atol=1e-12, rtol=0)


def test_the_classifier_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="read must be one of"):
        LineClassifier(read="h_n")
    with pytest.raises(ValueError, match="reads 'packed' or 'last step'"):
        LineClassifier(bidirectional=True, read="at lengths")
    with pytest.raises(ValueError, match="one direction"):
        LineClassifier().as_bidirectional_lstm()
    with pytest.raises(ValueError, match="no guess before"):
        LineClassifier(bidirectional=True, read="packed").every_step(torch.zeros(1, 3, dtype=torch.long))


def test_random_batches_are_seeded_and_cut_to_their_longest_line():
    labels = torch.tensor([0, 1, 0, 1, 0])
    make = random_batches(LINES, labels, 3)
    (x, lengths), y = make(torch.Generator().manual_seed(1))
    (x2, lengths2), y2 = make(torch.Generator().manual_seed(1))
    assert torch.equal(x, x2) and torch.equal(lengths, lengths2) and torch.equal(y, y2)
    assert x.shape[1] == lengths.max()
    for row, n in zip(x, lengths.tolist(), strict=True):
        assert corpus.decode(row[:n]) in LINES


def test_batches_and_predict_keep_the_order():
    labels = torch.arange(len(LINES))
    seen = [int(k) for _, y in batches(LINES, labels, 2) for k in y]
    assert seen == list(range(len(LINES)))
    torch.manual_seed(0)
    model = LineClassifier(4, 3)
    one_by_one = torch.cat([predict(model, [line]) for line in LINES])
    assert torch.equal(predict(model, LINES, batch_size=2), one_by_one)
    assert torch.equal(predict(model, LINES, total_length=50), one_by_one)


def test_a_classifier_learns_a_task_where_only_the_first_character_matters():
    """Line starts with 'a' or 'b', then noise: the right read learns it in a few steps."""
    gen = torch.Generator().manual_seed(0)
    lines, labels = [], []
    for _ in range(200):
        label = int(torch.randint(0, 2, (1,), generator=gen))
        tail = "".join("xyz"[int(k)] for k in torch.randint(0, 3, (int(torch.randint(0, 10, (1,),
                                                                                        generator=gen)),),
                                                               generator=gen))
        lines.append("ab"[label] + tail)
        labels.append(label)
    labels = torch.tensor(labels)
    lt.reproducible(0)
    model = LineClassifier(8, 4, bidirectional=True, read="packed")
    lt.train(model, random_batches(lines, labels, 32), cross_entropy, 150, log_every=1000)
    assert (predict(model, lines) == labels).float().mean() > 0.95


def test_accuracy_by_length():
    predicted = torch.tensor([1, 0, 1, 1])
    labels = torch.tensor([1, 1, 1, 0])
    lengths = torch.tensor([2, 3, 10, 12])
    found = accuracy_by_length(predicted, labels, lengths, [2, 4, 11, 20, 30])
    assert found[:3] == [0.5, 1.0, 0.0] and found[3] != found[3]  # NaN for the empty bucket


# -- the bag of characters and pairs ------------------------------------------------------------------------


def test_character_pairs_are_the_counts_divided_by_the_length():
    bag = CharacterPairs(["abab", "b"])
    n = corpus.VOCAB_SIZE
    dense = torch.zeros(2, n + n * n)
    a, b = corpus.encode("ab").tolist()
    dense[0, a] = dense[0, b] = 2 / 4
    dense[0, n + a * n + b] = 2 / 4
    dense[0, n + b * n + a] = 1 / 4
    dense[1, b] = 1.0
    w = torch.randn(n + n * n, generator=torch.Generator().manual_seed(0))
    r = torch.tensor([0.3, -2.0])
    dense = dense.double()  # the bag is kept in float64, for the fit's sake
    torch.testing.assert_close(bag @ w, dense @ w.double())
    torch.testing.assert_close(bag.transpose_times(r), dense.T @ r.double())


def test_character_pairs_can_give_the_length_back():
    bag = CharacterPairs(["abab", "b"], longest=5)
    n = corpus.VOCAB_SIZE
    assert bag.shape == (2, n + n * n + 5)
    w = torch.zeros(bag.shape[1], dtype=torch.float64)
    w[n + n * n + 3] = 1.0  # the column of length 4
    w[n + n * n + 0] = 10.0  # the column of length 1
    torch.testing.assert_close(bag @ w, torch.tensor([1.0, 10.0], dtype=torch.float64))
    r = torch.tensor([0.5, -2.0], dtype=torch.float64)
    torch.testing.assert_close(bag.transpose_times(r)[n + n * n:], torch.tensor([-2.0, 0, 0, 0.5, 0],
                                                                              dtype=torch.float64))
    with pytest.raises(ValueError, match="more than longest=3"):
        CharacterPairs(["abab"], longest=3)


def test_the_bag_learns_a_character_task():
    lines = ["aaa x", "bbb x", "a", "b", "xa", "xb", "aa", "bb"] * 5
    labels = torch.tensor([0, 1, 0, 1, 0, 1, 0, 1] * 5)
    model = BagOfCharacters(1e-6).fit(CharacterPairs(lines), labels)
    assert torch.equal(model.predict(CharacterPairs(lines)), labels)


def test_the_bag_learns_a_length_task_with_the_length():
    """Documentation if the line is long: only the pairs' frequency, (k - 1) / k, tells 'aaaa' from 'aa'
    without the length columns."""
    lines = ["a" * k for k in range(1, 9)] * 4
    labels = torch.tensor([int(len(line) > 4) for line in lines])
    with_length = BagOfCharacters(1e-4).fit(CharacterPairs(lines, longest=8), labels)
    assert torch.equal(with_length.predict(CharacterPairs(lines, longest=8)), labels)


def test_the_fit_converges_and_a_warm_start_reaches_the_same_minimum():
    gen = torch.Generator().manual_seed(0)
    lines = ["".join("abc "[int(k)] for k in torch.randint(0, 4, (int(n),), generator=gen))
             for n in torch.randint(2, 12, (60,), generator=gen)]
    labels = torch.tensor([int(line.count("a") > line.count("b")) for line in lines])
    bag = CharacterPairs(lines, longest=12)
    strong = BagOfCharacters(1e-2).fit(bag, labels)
    cold = BagOfCharacters(1e-3).fit(bag, labels, tolerance=1e-7)
    warm = BagOfCharacters(1e-3).fit(bag, labels, tolerance=1e-7, start=strong)
    for fit in (strong, cold, warm):
        assert fit.converged and 0 < fit.iterations < 1000
    assert cold.gradient <= 1e-7 and warm.gradient <= 1e-7
    # the same minimum: the same logits (the weights themselves are less well determined)
    torch.testing.assert_close(bag @ warm.weight[:-1] + warm.weight[-1], bag @ cold.weight[:-1] + cold.weight[-1],
                               atol=1e-4, rtol=0)
    assert torch.equal(warm.predict(bag), cold.predict(bag))
    assert warm.iterations < cold.iterations
    stopped = BagOfCharacters(1e-3).fit(bag, labels, tolerance=1e-12, max_iter=2)
    assert not stopped.converged and stopped.iterations == 2 and stopped.gradient > 1e-12


def test_the_bag_refuses_misuse():
    with pytest.raises(ValueError, match="l2 must be"):
        BagOfCharacters(-1.0)
    with pytest.raises(ValueError, match="call fit first"):
        BagOfCharacters().predict(CharacterPairs(["a"]))
    with pytest.raises(ValueError, match="one label per line"):
        BagOfCharacters().fit(CharacterPairs(["a", "b"]), torch.tensor([1]))
    with pytest.raises(ValueError, match="start must be a fitted"):
        BagOfCharacters().fit(CharacterPairs(["a", "b"]), torch.tensor([1, 0]), start=BagOfCharacters())
    fitted = BagOfCharacters().fit(CharacterPairs(["a", "b"]), torch.tensor([1, 0]))
    with pytest.raises(ValueError, match="same columns"):
        BagOfCharacters().fit(CharacterPairs(["a", "b"], longest=2), torch.tensor([1, 0]), start=fitted)
