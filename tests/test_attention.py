"""Additive attention against a hand computation, the toy task, and the encoder–decoder built on them."""

import re

import pytest
import torch

from lstm_tutorial.attention import AdditiveAttention, Seq2Seq, accuracies, toy_sequences, train_seq2seq

# -- the toy task ----------------------------------------------------------------------------------


@pytest.mark.parametrize("task", ["reverse", "copy"])
def test_toy_sequences_shapes_and_targets(task):
    source, target = toy_sequences(5, 7, 4, task=task, generator=torch.Generator().manual_seed(0))
    assert source.shape == target.shape == (5, 7)
    assert source.dtype == target.dtype == torch.long
    assert source.min() >= 0 and source.max() < 4
    expected = source.flip(1) if task == "reverse" else source
    assert torch.equal(target, expected)


def test_toy_sequences_reverse_by_hand():
    source, target = toy_sequences(1, 4, 10, generator=torch.Generator().manual_seed(3))
    assert target[0].tolist() == list(reversed(source[0].tolist()))


def test_toy_sequences_are_fixed_by_the_generator():
    a = toy_sequences(3, 6, 5, generator=torch.Generator().manual_seed(1))
    b = toy_sequences(3, 6, 5, generator=torch.Generator().manual_seed(1))
    c = toy_sequences(3, 6, 5, generator=torch.Generator().manual_seed(2))
    assert torch.equal(a[0], b[0]) and not torch.equal(a[0], c[0])


def test_toy_sequences_use_every_symbol():
    source, _ = toy_sequences(200, 10, 6, generator=torch.Generator().manual_seed(0))
    assert set(source.unique().tolist()) == set(range(6))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(batch=0, length=5, symbols=4), "batch must be a positive int, got 0"),
        (dict(batch=2, length=0, symbols=4), "length must be a positive int, got 0"),
        (dict(batch=2, length=2.5, symbols=4), "length must be a positive int, got 2.5"),
        (dict(batch=2, length=5, symbols=1), "symbols must be an int >= 2"),
        (dict(batch=2, length=5, symbols=True), "symbols must be an int >= 2"),
        (dict(batch=2, length=5, symbols=4, task="sort"), "task must be one of ('reverse', 'copy'), got 'sort'"),
    ],
)
def test_toy_sequences_errors(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        toy_sequences(**kwargs)


# -- additive attention ----------------------------------------------------------------------------


def by_hand(attention, query, keys, values, mask=None):
    """One batch member, one position at a time, as the equations read."""
    W_q, W_k, v = attention.W_q, attention.W_k, attention.v
    contexts, weights = [], []
    for b in range(query.shape[0]):
        e = torch.stack([v @ torch.tanh(W_q @ query[b] + W_k @ keys[b, j]) for j in range(keys.shape[1])])
        if mask is not None:
            e = torch.where(mask[b], e, torch.tensor(float("-inf"), dtype=e.dtype))
        exp = torch.exp(e - e.max())
        a = exp / exp.sum()
        contexts.append(sum(a[j] * values[b, j] for j in range(keys.shape[1])))
        weights.append(a)
    return torch.stack(contexts), torch.stack(weights)


def random_attention(generator, batch=None):
    size = lambda: int(torch.randint(1, 7, (), generator=generator))  # noqa: E731
    B, T, Q, K, A, D = batch or size(), size(), size(), size(), size(), size()
    attention = AdditiveAttention(Q, K, A).double()
    with torch.no_grad():
        for p in attention.parameters():
            p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64))
    query = torch.randn(B, Q, generator=generator, dtype=torch.float64)
    keys = torch.randn(B, T, K, generator=generator, dtype=torch.float64)
    values = torch.randn(B, T, D, generator=generator, dtype=torch.float64)
    return attention, query, keys, values


@pytest.mark.parametrize("seed", range(8))
def test_attention_equals_a_hand_computation(seed):
    attention, query, keys, values = random_attention(torch.Generator().manual_seed(seed))
    context, weights = attention(query, keys, values)
    want_context, want_weights = by_hand(attention, query, keys, values)
    torch.testing.assert_close(weights, want_weights, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(context, want_context, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_weights_are_a_distribution_over_positions(seed):
    attention, query, keys, values = random_attention(torch.Generator().manual_seed(100 + seed))
    _, weights = attention(query, keys, values)
    assert weights.shape == keys.shape[:2]
    assert (weights >= 0).all()
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(len(query), dtype=torch.float64))


@pytest.mark.parametrize("seed", range(4))
def test_context_is_weights_times_values(seed):
    attention, query, keys, values = random_attention(torch.Generator().manual_seed(200 + seed))
    context, weights = attention(query, keys, values)
    assert context.shape == (len(query), values.shape[2])
    torch.testing.assert_close(context, torch.einsum("bt,btd->bd", weights, values))


def test_values_default_to_the_keys():
    attention, query, keys, _ = random_attention(torch.Generator().manual_seed(3))
    torch.testing.assert_close(attention(query, keys)[0], attention(query, keys, keys)[0])


def test_the_hand_computation_can_tell_a_missing_tanh():
    # the comparison above would catch a score without its tanh: the weights differ
    attention, query, keys, values = random_attention(torch.Generator().manual_seed(4), batch=3)
    keys = torch.cat([keys, 2 * keys + 1], dim=1)  # at least two positions
    _, weights = attention(query, keys)
    e_linear = ((query @ attention.W_q.T)[:, None] + keys @ attention.W_k.T) @ attention.v
    assert not torch.allclose(weights, torch.softmax(e_linear, dim=1))


def test_without_the_tanh_the_query_drops_out_of_the_weights():
    # what chapter 22 says the tanh is for: v^T W_q s_i is the same at every position, and a
    # softmax ignores a constant added to all its inputs
    attention, query, keys, _ = random_attention(torch.Generator().manual_seed(4), batch=3)
    keys = torch.cat([keys, 2 * keys + 1], dim=1)
    keys_only = torch.softmax(keys @ attention.W_k.T @ attention.v, dim=1)
    with torch.no_grad():
        for q in (query, -3 * query, torch.zeros_like(query)):
            e_linear = ((q @ attention.W_q.T)[:, None] + keys @ attention.W_k.T) @ attention.v
            torch.testing.assert_close(torch.softmax(e_linear, dim=1), keys_only)
        # with the tanh, the same two queries give different weights
        assert not torch.allclose(attention(query, keys)[1], attention(-3 * query, keys)[1])


def test_several_queries_at_once_equal_one_at_a_time():
    gen = torch.Generator().manual_seed(5)
    attention, _, keys, values = random_attention(gen, batch=3)
    queries = torch.randn(3, 4, attention.query_size, generator=gen, dtype=torch.float64)
    context, weights = attention(queries, keys, values)
    assert context.shape == (3, 4, values.shape[2]) and weights.shape == (3, 4, keys.shape[1])
    for i in range(4):
        c_i, a_i = attention(queries[:, i], keys, values)
        torch.testing.assert_close(context[:, i], c_i)
        torch.testing.assert_close(weights[:, i], a_i)


def test_mask_ignores_padding():
    gen = torch.Generator().manual_seed(6)
    attention = AdditiveAttention(3, 4, 5).double()
    query = torch.randn(2, 3, generator=gen, dtype=torch.float64)
    keys = torch.randn(2, 6, 4, generator=gen, dtype=torch.float64)
    mask = torch.tensor([[True] * 6, [True] * 4 + [False] * 2])
    context, weights = attention(query, keys, mask=mask)
    want_context, want_weights = by_hand(attention, query, keys, keys, mask)
    torch.testing.assert_close(weights, want_weights)
    torch.testing.assert_close(context, want_context)
    assert (weights[1, 4:] == 0).all()
    # the padded member gets exactly what it would get without its padding
    alone_context, alone_weights = attention(query[1:], keys[1:, :4])
    torch.testing.assert_close(weights[1, :4], alone_weights[0])
    torch.testing.assert_close(context[1], alone_context[0])


def test_project_keys_is_W_k_applied_to_every_position():
    attention, _, keys, _ = random_attention(torch.Generator().manual_seed(7))
    projected = attention.project_keys(keys)
    torch.testing.assert_close(projected[0, 0], attention.W_k @ keys[0, 0])


def test_attention_gradients_reach_every_parameter():
    attention, query, keys, values = random_attention(torch.Generator().manual_seed(8), batch=2)
    keys = torch.cat([keys, keys.flip(1) + 1], dim=1)  # at least two positions
    values = torch.cat([values, values], dim=1)
    attention(query, keys, values)[0].pow(2).sum().backward()
    for name, p in attention.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


QUERY, KEYS = torch.zeros(2, 3), torch.zeros(2, 5, 4)


@pytest.mark.parametrize(
    "args, message",
    [
        ((torch.randn(2, 4), KEYS), "query of shape (batch, query_size=3) or (batch, steps, query_size=3), got (2, 4)"),
        ((QUERY, torch.randn(3, 5, 4)), "keys of shape (batch=2, positions >= 1, key_size=4), got (3, 5, 4)"),
        ((QUERY, torch.randn(2, 5, 6)), "keys of shape (batch=2, positions >= 1, key_size=4), got (2, 5, 6)"),
        ((QUERY, torch.randn(2, 0, 4)), "positions >= 1"),
        ((QUERY, KEYS, torch.randn(2, 6, 7)), "values of shape (batch=2, positions=5, value_size), got (2, 6, 7)"),
        ((QUERY, [[1.0]]), "AdditiveAttention keys: expected a torch.Tensor, got list"),
    ],
)
def test_attention_errors(args, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        AdditiveAttention(3, 4, 5)(*args)


def test_attention_mask_errors():
    attention = AdditiveAttention(3, 4, 5)
    query, keys = torch.randn(2, 3), torch.randn(2, 5, 4)
    expected = "boolean mask of shape (batch=2, positions=5), got torch.int64 (2, 5)"
    with pytest.raises(ValueError, match=re.escape(expected)):
        attention(query, keys, mask=torch.ones(2, 5, dtype=torch.long))
    with pytest.raises(ValueError, match=re.escape("got torch.bool (2, 4)")):
        attention(query, keys, mask=torch.ones(2, 4, dtype=torch.bool))
    mask = torch.ones(2, 5, dtype=torch.bool)
    mask[1] = False
    with pytest.raises(ValueError, match="at least one position, got a row that is all False"):
        attention(query, keys, mask=mask)


@pytest.mark.parametrize("sizes", [(0, 4, 5), (3, -1, 5), (3, 4, 2.0)])
def test_attention_sizes(sizes):
    with pytest.raises(ValueError, match="must be a positive int"):
        AdditiveAttention(*sizes)


# -- the encoder–decoder ---------------------------------------------------------------------------


@pytest.mark.parametrize("attention", [True, False])
def test_seq2seq_shapes(attention):
    model = Seq2Seq(6, 8, embedding_size=5, attention=attention, attention_size=7)
    source, target = toy_sequences(3, 9, 6, generator=torch.Generator().manual_seed(0))
    logits, weights = model(source, target[:, :4])
    assert logits.shape == (3, 4, 6)
    greedy, greedy_weights = model(source, steps=11)
    assert greedy.shape == (3, 11, 6)
    if attention:
        assert weights.shape == (3, 4, 9) and greedy_weights.shape == (3, 11, 9)
        torch.testing.assert_close(weights.sum(dim=2), torch.ones(3, 4))
        assert (weights >= 0).all()
    else:
        assert weights is None and greedy_weights is None
        assert model.attention is None


@pytest.mark.parametrize("attention", [True, False])
def test_seq2seq_equals_its_parts_step_by_step(attention):
    # encoder, then decoder from its final state, then at each step the read-out of [s_i, c_i]
    model = Seq2Seq(5, 6, embedding_size=4, attention=attention, attention_size=3).double()
    source, target = toy_sequences(2, 7, 5, generator=torch.Generator().manual_seed(6))
    with torch.no_grad():
        logits, weights = model(source, target)
        h, state = model.encoder(model.embed(source))
        for i in range(7):
            previous = torch.full((2,), model.start) if i == 0 else target[:, i - 1]
            s_i, state = model.decoder(model.embed(previous)[:, None], state)
            s_i = s_i[:, 0]
            if attention:
                c_i, a_i = model.attention(s_i, h)
                torch.testing.assert_close(weights[:, i], a_i)
                torch.testing.assert_close(logits[:, i], model.head(torch.cat([s_i, c_i], dim=1)))
            else:
                torch.testing.assert_close(logits[:, i], model.head(s_i))


def test_seq2seq_default_steps_is_the_source_length():
    model = Seq2Seq(4, 5)
    source, _ = toy_sequences(2, 6, 4)
    assert model(source)[0].shape == (2, 6, 4)


@pytest.mark.parametrize("attention", [True, False])
def test_greedy_decoding_equals_teacher_forcing_on_its_own_guesses(attention):
    # the two code paths (one call over the whole target; one step at a time) compute the same model
    model = Seq2Seq(5, 6, attention=attention).double()
    source, _ = toy_sequences(4, 7, 5, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        greedy, greedy_weights = model(source)
        forced, forced_weights = model(source, greedy.argmax(dim=2))
    torch.testing.assert_close(forced, greedy)
    if attention:
        torch.testing.assert_close(forced_weights, greedy_weights)


def test_teacher_forcing_reads_the_previous_target_symbol():
    # the output at step i may depend on target[:, :i] only, never on target[:, i:]
    model = Seq2Seq(5, 6).double()
    source, target = toy_sequences(2, 6, 5, generator=torch.Generator().manual_seed(2))
    changed = target.clone()
    changed[:, 3] = (changed[:, 3] + 1) % 5
    with torch.no_grad():
        a, _ = model(source, target)
        b, _ = model(source, changed)
    torch.testing.assert_close(a[:, :4], b[:, :4])
    assert not torch.allclose(a[:, 4:], b[:, 4:])


def test_seq2seq_parameters():
    plain, attentive = Seq2Seq(6, 8, attention=False), Seq2Seq(6, 8, attention=True, attention_size=5)
    extra = sum(p.numel() for p in attentive.parameters()) - sum(p.numel() for p in plain.parameters())
    # W_q (5 x 8), W_k (5 x 8), v (5), and a read-out that also reads the 8-number context
    assert extra == 5 * 8 + 5 * 8 + 5 + 8 * 6


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(symbols=1, hidden_size=4),
         "symbols must be an int >= 2 (with one symbol every sequence is the same), got 1"),
        (dict(symbols=4, hidden_size=0), "hidden_size must be a positive int, got 0"),
        (dict(symbols=4, hidden_size=4, attention="yes"), "attention must be True or False, got 'yes'"),
        (dict(symbols=4, hidden_size=4, attention_size=-2), "attention_size must be a positive int, got -2"),
    ],
)
def test_seq2seq_construction_errors(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Seq2Seq(**kwargs)


def test_seq2seq_input_errors():
    model = Seq2Seq(4, 5)
    expected = "source as integer tokens of shape (batch, length >= 1), got torch.float32 (2, 3)"
    with pytest.raises(ValueError, match=re.escape(expected)):
        model(torch.zeros(2, 3))
    with pytest.raises(ValueError, match=re.escape("got torch.int64 (6)")):
        model(torch.zeros(6, dtype=torch.long))
    with pytest.raises(ValueError, match=re.escape("source tokens in 0 .. 3, got values from 0 to 4")):
        model(torch.tensor([[0, 4, 1]]))
    with pytest.raises(ValueError, match=re.escape("target tokens in 0 .. 3, got values from -1 to 2")):
        model(torch.tensor([[0, 1]]), torch.tensor([[2, -1]]))
    with pytest.raises(ValueError, match=re.escape("target with the source's batch of 1, got (2, 2)")):
        model(torch.tensor([[0, 1]]), torch.tensor([[2, 1], [0, 0]]))
    with pytest.raises(ValueError, match="steps must be a positive int, got 0"):
        model(torch.tensor([[0, 1]]), steps=0)


# -- training and scoring --------------------------------------------------------------------------


def test_training_learns_to_reverse_short_sequences_and_is_reproducible(capsys):
    def batch(generator):
        return toy_sequences(32, 3, 4, generator=generator)

    losses = []
    for _ in range(2):
        torch.manual_seed(0)
        model = Seq2Seq(4, 16, attention=True)
        losses.append(train_seq2seq(model, batch, 150, name="test"))
    assert losses[0] == losses[1]
    assert sum(losses[0][-10:]) / 10 < 0.2 < sum(losses[0][:10]) / 10
    test = toy_sequences(200, 3, 4, generator=torch.Generator().manual_seed(9))
    assert accuracies(model, *test)["sequence"] > 0.9
    assert "test: step   150/150" in capsys.readouterr().out


def test_train_seq2seq_wants_a_seq2seq():
    with pytest.raises(ValueError, match="train_seq2seq expected a Seq2Seq, got Linear"):
        train_seq2seq(torch.nn.Linear(2, 2), lambda g: None, 5)


def test_accuracies_by_hand():
    model = Seq2Seq(5, 6)
    source, target = toy_sequences(50, 4, 5, generator=torch.Generator().manual_seed(3))
    scores = accuracies(model, source, target)
    with torch.no_grad():
        right = model(source)[0].argmax(dim=2) == target
    assert scores["token"] == pytest.approx(right.float().mean().item())
    assert scores["sequence"] == pytest.approx(right.all(dim=1).float().mean().item())
    assert scores["by_position"].shape == (4,)
    torch.testing.assert_close(scores["by_position"], right.float().mean(dim=0))


def test_accuracies_of_an_answer_that_is_always_right():
    # a model that has learned nothing is right by luck at most; compare against the target itself
    model = Seq2Seq(3, 4)
    source, _ = toy_sequences(20, 5, 3, generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        own = model(source)[0].argmax(dim=2)
    scores = accuracies(model, source, own)
    assert scores["token"] == 1.0 and scores["sequence"] == 1.0


def test_accuracies_errors():
    with pytest.raises(ValueError, match="accuracies expected a Seq2Seq, got Linear"):
        accuracies(torch.nn.Linear(2, 2), None, None)
    with pytest.raises(ValueError, match=re.escape("target tokens in 0 .. 2")):
        accuracies(Seq2Seq(3, 4), torch.zeros(2, 3, dtype=torch.long), torch.full((2, 3), 3))
