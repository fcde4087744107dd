"""The checker of chapter 20 accepts the reference answer and names the typical mistakes."""

import torch

from lstm_tutorial import exercises


def _verdict(capsys, answer):
    ok = exercises.check_additive_attention(answer)
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1, out
    return ok, out


def additive_attention(query, keys, W_q, W_k, v, *, squash=torch.tanh, axis=1):
    e = squash(query @ W_q.T + (keys @ W_k.T).transpose(0, 1)).transpose(0, 1) @ v
    weights = torch.softmax(e, dim=axis)
    context = torch.einsum("bt,btk->bk", weights, keys)
    return context, weights


def test_reference_passes(capsys):
    ok, out = _verdict(capsys, additive_attention)
    assert ok and out.startswith("✓ additive_attention"), out


def test_a_loop_over_the_batch_passes(capsys):
    def looped(query, keys, W_q, W_k, v):
        contexts, weights = [], []
        for q, k in zip(query, keys, strict=True):
            a = torch.softmax(torch.tanh(W_q @ q + k @ W_k.T) @ v, dim=0)
            contexts.append(a @ k)
            weights.append(a)
        return torch.stack(contexts), torch.stack(weights)

    ok, out = _verdict(capsys, looped)
    assert ok, out


def test_starter_is_not_implemented(capsys):
    def starter(query, keys, W_q, W_k, v):
        raise NotImplementedError

    ok, out = _verdict(capsys, starter)
    assert not ok and "not implemented yet" in out


def test_softmax_over_the_batch_axis(capsys):
    ok, out = _verdict(capsys, lambda *a: additive_attention(*a, axis=0))
    assert not ok and "the softmax taken over the batch axis" in out, out


def test_missing_tanh(capsys):
    ok, out = _verdict(capsys, lambda *a: additive_attention(*a, squash=lambda z: z))
    assert not ok and "the tanh left out of the score" in out, out


def test_sigmoid_for_tanh(capsys):
    ok, out = _verdict(capsys, lambda *a: additive_attention(*a, squash=torch.sigmoid))
    assert not ok and "a sigmoid where the score's tanh belongs" in out, out


def test_no_softmax(capsys):
    def raw(query, keys, W_q, W_k, v):
        e = torch.tanh((query @ W_q.T)[:, None] + keys @ W_k.T) @ v
        return (e[:, :, None] * keys).sum(dim=1), e

    ok, out = _verdict(capsys, raw)
    assert not ok and "without the softmax" in out, out


def test_outputs_swapped(capsys):
    ok, out = _verdict(capsys, lambda *a: additive_attention(*a)[::-1])
    assert not ok and "(weights, context) returned in place of (context, weights)" in out, out


def test_equal_weights(capsys):
    def uniform(query, keys, W_q, W_k, v):
        return keys.mean(dim=1), torch.full(keys.shape[:2], 1 / keys.shape[1], dtype=keys.dtype)

    ok, out = _verdict(capsys, uniform)
    assert not ok and "equal weights 1/T" in out, out


def test_transposed_weight_is_a_shape_error(capsys):
    def transposed(query, keys, W_q, W_k, v):
        e = torch.tanh((query @ W_q)[:, None] + keys @ W_k.T) @ v
        a = torch.softmax(e, dim=1)
        return (a[:, :, None] * keys).sum(dim=1), a

    ok, out = _verdict(capsys, transposed)
    assert not ok and "raised RuntimeError" in out and "the right way round" in out, out


def test_context_over_the_wrong_axis(capsys):
    def wrong_sum(query, keys, W_q, W_k, v):
        context, a = additive_attention(query, keys, W_q, W_k, v)
        return (a[:, :, None] * keys).sum(dim=2), a

    ok, out = _verdict(capsys, wrong_sum)
    assert not ok and "context should have shape" in out, out


def test_is_listed_for_chapter_20():
    assert exercises.catalogue()[20] == ["check_additive_attention"]
