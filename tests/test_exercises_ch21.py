"""The checkers of chapter 21's exercises accept right answers however they are written, refuse wrong
ones (naming the mistake where they know it), never raise, and print exactly one line."""

import io
import tokenize

import numpy as np
import pytest
import torch
from torch.nn import functional as F

import lstm_tutorial as lt
from lstm_tutorial.exercises import ch21
from lstm_tutorial.text import charlm, structure


def run(checker, answer, capsys):
    ok = checker(answer)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return ok, out


# -- ex-temperature ----------------------------------------------------------------------------------------


def temperature_probabilities(logits, temperature):
    return torch.softmax(logits / temperature, dim=-1)


def by_hand_and_stable(logits, temperature):
    z = logits / temperature
    z = z - z.max(dim=-1, keepdim=True).values
    e = z.exp()
    return e / e.sum(dim=-1, keepdim=True)


def sharpening_the_probabilities(logits, temperature):
    """p ** (1 / T), normalised, is the same distribution."""
    p = F.softmax(logits, dim=-1) ** (1 / temperature)
    return p / p.sum(-1, keepdim=True)


def through_log_softmax(logits, temperature):
    return F.log_softmax(logits.div(temperature), dim=-1).exp()


def in_float64(logits, temperature):
    return F.softmax(logits.double() / temperature, dim=logits.dim() - 1)


def row_by_row(logits, temperature):
    flat = logits.reshape(-1, logits.shape[-1])
    rows = [torch.softmax(row / temperature, 0) for row in flat]
    return torch.stack(rows).reshape(logits.shape)


def with_a_numpy_detour(logits, temperature):
    z = logits.numpy() / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return torch.from_numpy(e / e.sum(axis=-1, keepdims=True))


RIGHT_TEMPERATURE = [temperature_probabilities, by_hand_and_stable, sharpening_the_probabilities,
                     through_log_softmax, in_float64, row_by_row, with_a_numpy_detour]


@pytest.mark.parametrize("answer", RIGHT_TEMPERATURE, ids=lambda f: f.__name__)
def test_right_temperature_answers_pass(answer, capsys):
    ok, out = run(lt.exercises.check_temperature_probabilities, answer, capsys)
    assert ok and out.startswith("✓"), out


def _naive(logits, temperature):
    e = torch.exp(logits / temperature)
    return e / e.sum(-1, keepdim=True)


def _in_place(logits, temperature):
    logits.div_(temperature)
    return torch.softmax(logits, -1)


WRONG_TEMPERATURE = {
    "multiplied": (lambda z, t: torch.softmax(z * t, -1), "the logits multiplied by T"),
    "p ** T": (lambda z, t: (lambda p: p / p.sum(-1, keepdim=True))(torch.softmax(z, -1) ** t),
               "the logits multiplied by T"),
    "softmax then divide": (lambda z, t: torch.softmax(z, -1) / t, "divided by T after the softmax"),
    "T ignored": (lambda z, t: torch.softmax(z, -1), "T left out"),
    "not normalised": (lambda z, t: torch.exp(z / t), "not normalised"),
    "log-probabilities": (lambda z, t: torch.log_softmax(z / t, -1), "log-probabilities"),
    "first axis": (lambda z, t: torch.softmax(z / t, 0), "a softmax over the first axis"),
    "implicit dim": (lambda z, t: F.softmax(z / t, dim=0 if z.dim() in (0, 1, 3) else 1),
                     "a softmax over the first axis"),
    "overflows": (_naive, "overflows"),
    "in place": (_in_place, "changes logits in place"),
    "T added": (lambda z, t: torch.softmax(z + t, -1), "wrong values"),
    "squeezed": (lambda z, t: torch.softmax(z / t, -1).squeeze(), "should have shape [1, 1], got []"),
}


@pytest.mark.parametrize("name", WRONG_TEMPERATURE)
def test_wrong_temperature_answers_are_refused_and_named(name, capsys):
    answer, phrase = WRONG_TEMPERATURE[name]
    ok, out = run(lt.exercises.check_temperature_probabilities, answer, capsys)
    assert not ok and out.startswith("✗") and phrase in out, out


def test_the_temperature_cases_separate_dividing_from_multiplying():
    cases = ch21._temperature_cases()
    assert cases[0].args[1] < 1 < cases[1].args[1]  # the first two cases: T below and above 1
    assert cases[-1].args[1] == 1  # where T cannot show, last
    assert {c.args[0].dim() for c in cases} >= {1, 2, 3}
    assert any(c.args[0].shape[-1] == 1 for c in cases) and any(c.args[0].dtype == torch.float32 for c in cases)


@pytest.mark.parametrize("returned", [None, "p", 0.5, [0.5, 0.5], {"p": 1}],
                         ids=["None", "str", "float", "list", "dict"])
def test_odd_temperature_returns_do_not_crash(returned, capsys):
    ok, out = run(lt.exercises.check_temperature_probabilities, lambda z, t: returned, capsys)
    assert not ok and out.startswith("✗")


def test_the_temperature_starter_and_a_crash(capsys):
    def starter(logits, temperature):
        raise NotImplementedError

    ok, out = run(lt.exercises.check_temperature_probabilities, starter, capsys)
    assert not ok and "not implemented yet" in out
    ok, out = run(lt.exercises.check_temperature_probabilities, lambda z: z, capsys)
    assert not ok and "raised TypeError" in out
    ok, out = run(lt.exercises.check_temperature_probabilities, "softmax", capsys)
    assert not ok and "should be a function" in out


# -- ex-bracket-depth --------------------------------------------------------------------------------------


def bracket_depth(text):
    depths, depth = [], 0
    quote, comment, escaped = None, False, False
    for ch in text:
        if comment:
            comment = ch != "\n"
        elif quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            comment = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        depths.append(depth)
    return depths


def with_a_tensor(text):
    return torch.tensor(bracket_depth(text), dtype=torch.float32)


def with_a_numpy_array(text):
    return np.array(bracket_depth(text))


def as_a_tuple(text):
    return tuple(bracket_depth(text))


def with_pythons_tokenizer(text):
    """Python's own tokenizer knows the strings and comments."""
    depth = [0] * (len(text) + 1)
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        at = starts[tok.start[0] - 1] + tok.start[1]
        if tok.type == tokenize.OP and tok.string in "([{":
            depth[at] += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth[at] -= 1
    return list(np.cumsum(depth[:len(text)]))


def with_the_books_features(text):
    return structure.features(text)["bracket depth"]


def with_a_stack_and_a_regex_for_strings(text):
    import re

    hidden = re.sub(r"#[^\n]*|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"", lambda m: " " * len(m.group()), text)
    out, stack = [], []
    for ch in hidden:
        if ch in "([{":
            stack.append(ch)
        elif ch in ")]}":
            stack.pop()
        out.append(len(stack))
    return out


RIGHT_BRACKETS = [bracket_depth, with_a_tensor, with_a_numpy_array, as_a_tuple, with_pythons_tokenizer,
                  with_the_books_features, with_a_stack_and_a_regex_for_strings]


@pytest.mark.parametrize("answer", RIGHT_BRACKETS, ids=lambda f: f.__name__)
def test_right_bracket_answers_pass(answer, capsys):
    ok, out = run(lt.exercises.check_bracket_depth, answer, capsys)
    assert ok and out.startswith("✓"), out


def test_the_reference_agrees_with_the_tokenizer_on_every_case():
    for text in ch21._BRACKET_TEXTS:
        assert ch21._bracket_depth(text) == with_pythons_tokenizer(text), text


def _slip(**switches):
    return lambda text: ch21._bracket_depth(text, **switches)


WRONG_BRACKETS = {
    "everything counted": (_slip(strings=False, comments=False), "brackets counted inside strings"),
    "strings counted": (_slip(strings=False), "brackets counted inside strings"),
    "comments counted": (_slip(comments=False), "brackets counted inside comments"),
    "depth before": (_slip(after=False), "the depth before each character"),
    "round only": (_slip(kinds=1), "only round brackets counted"),
    "escapes ignored": (_slip(escapes=False), "a backslash-escaped quote"),
    "either quote closes": (_slip(same_quote=False), "closed by the other kind of quote"),
    "# in a string": (_slip(hash_in_string=True), "a # inside a string"),
    "endless comment": (_slip(comment_ends=False), "a comment that does not end"),
    "one short": (lambda text: ch21._bracket_depth(text)[:-1] if text else [], "one number per character"),
    "a count, not a list": (lambda text: sum(c in "([{" for c in text), "should be a list of"),
    "strings of digits": (lambda text: [str(d) for d in ch21._bracket_depth(text)], "should hold numbers"),
    "a 2-D tensor": (lambda text: torch.tensor([ch21._bracket_depth(text)]), "got a tensor of shape [1, 4]"),
    "negative depth": (lambda text: [-d for d in ch21._bracket_depth(text)], "the depth should be 1, got -1"),
}


@pytest.mark.parametrize("name", WRONG_BRACKETS)
def test_wrong_bracket_answers_are_refused_and_named(name, capsys):
    answer, phrase = WRONG_BRACKETS[name]
    ok, out = run(lt.exercises.check_bracket_depth, answer, capsys)
    assert not ok and out.startswith("✗") and phrase in out, out


def test_every_slip_is_named_by_its_own_phrase(capsys):
    """Each slip's message names that slip, not another that happens to agree with it."""
    for switches, what in ch21._BRACKET_MISTAKES:
        ok, out = run(lt.exercises.check_bracket_depth, _slip(**switches), capsys)
        assert not ok and what in out, (switches, out)


def test_the_message_points_at_the_character(capsys):
    ok, out = run(lt.exercises.check_bracket_depth, _slip(strings=False), capsys)
    assert "at character 7 ('(')" in out and "should be 1, got 2" in out and "text='print(\"(\")'" in out


@pytest.mark.parametrize("returned", [None, "000", 3.0, {"depth": [0]}, (x for x in ())],
                         ids=["None", "str", "float", "dict", "generator"])
def test_odd_bracket_returns_do_not_crash(returned, capsys):
    ok, out = run(lt.exercises.check_bracket_depth, lambda text: returned, capsys)
    assert not ok and out.startswith("✗")


def test_the_bracket_starter_and_a_crash(capsys):
    def starter(text):
        raise NotImplementedError

    ok, out = run(lt.exercises.check_bracket_depth, starter, capsys)
    assert not ok and "not implemented yet" in out
    ok, out = run(lt.exercises.check_bracket_depth, lambda text: text[0], capsys)
    assert not ok and ("raised IndexError" in out or "should be a list" in out)
    ok, out = run(lt.exercises.check_bracket_depth, lambda: [], capsys)
    assert not ok and "raised TypeError" in out


def test_the_bracket_cases_have_edges():
    texts = ch21._BRACKET_TEXTS
    assert "" in texts and any(len(t) == 1 for t in texts)
    assert any("\\'" in t for t in texts) and any("#" in t and "'#'" in t for t in texts)


# -- ex-pieces ---------------------------------------------------------------------------------------------


def read_in_pieces(model, stream, pieces):
    x = stream.view(pieces, -1)
    with torch.no_grad():
        logits, _ = model(x)
    log_p = torch.log_softmax(logits, dim=-1).flatten(0, 1)[:-1]
    return log_p.gather(1, stream[1:].unsqueeze(1)).squeeze(1).exp()


def piece_by_piece(model, stream, pieces):
    """Each piece on its own, its last step scoring the first character of the next."""
    length = len(stream) // pieces
    out = []
    for start in range(0, len(stream), length):
        logits, _ = model(stream[start:start + length].unsqueeze(0))
        p = torch.softmax(logits[0], dim=-1)
        following = stream[start + 1:start + length + 1]
        out.append(p[torch.arange(len(following)), following])
    return torch.cat(out).detach()


def with_the_books_read(model, stream, pieces):
    return charlm.read(model, stream, pieces=pieces, chunk=2)


def layer_by_layer_with_a_zero_state(model, stream, pieces):
    x = model.embedding(stream.reshape(pieces, -1))
    zeros = torch.zeros(1, pieces, model.lstm.hidden_size)
    h, _ = model.lstm(x, (zeros, zeros.clone()))
    log_p = F.log_softmax(model.readout(h), dim=2).reshape(len(stream), -1)
    return log_p[torch.arange(len(stream) - 1), stream[1:]].exp().detach().double()


RIGHT_PIECES = [read_in_pieces, piece_by_piece, with_the_books_read, layer_by_layer_with_a_zero_state]


@pytest.mark.parametrize("answer", RIGHT_PIECES, ids=lambda f: f.__name__)
def test_right_pieces_answers_pass(answer, capsys):
    ok, out = run(lt.exercises.check_read_in_pieces, answer, capsys)
    assert ok and out.startswith("✓"), out


def test_the_reference_is_reading_each_piece_by_hand():
    for c in ch21._pieces_cases():
        torch.testing.assert_close(ch21._read_in_pieces(*c.args), piece_by_piece(*c.args))


def test_the_pieces_cases_let_the_memory_show():
    """In every case with more than one piece, reading in one go gives other probabilities."""
    for c in ch21._pieces_cases():
        model, stream, pieces = c.args
        if pieces > 1:
            gap = (ch21._read_in_pieces(model, stream, pieces) - charlm.read(model, stream, pieces=1)).abs().max()
            assert gap > 0.01, (len(stream), pieces)
    assert {c.args[2] for c in ch21._pieces_cases()} >= {1, 2, 3, 4}


def _right_then(spoil):
    def answer(model, stream, pieces):
        p = read_in_pieces(model, stream, pieces)
        spoil(model, stream)
        return p
    return answer


def _bits(model, stream, pieces):
    return -torch.log2(read_in_pieces(model, stream, pieces))


WRONG_PIECES = {
    "one go": (ch21._in_one_go, "read in one go"),
    "pieces of length pieces": (ch21._pieces_of_length, "pieces of `pieces` characters each"),
    "every k-th character": (ch21._every_kth, "every pieces-th character"),
    "the character just read": (ch21._just_read, "the character just read"),
    "piece starts left out": (ch21._starts_left_out, "should have shape [23], got [20]"),
    "one too many": (ch21._too_many, "one probability too many"),
    "log-probabilities": (ch21._log_probabilities, "log-probabilities"),
    "softmax over time": (ch21._over_time, "over the time axis"),
    "not normalised": (ch21._unnormalised, "not normalised"),
    "bits": (_bits, "wrong values"),
    "a 2-D result": (lambda m, s, k: torch.cat([read_in_pieces(m, s, k), torch.ones(1)]).view(k, -1),
                     "should have shape [23], got [4, 6]"),
    "stream changed": (_right_then(lambda m, s: s.zero_()), "changes stream in place"),
    "model changed": (_right_then(lambda m, s: m.readout.bias.data.add_(1.0)), "changes model (its readout.bias)"),
}


@pytest.mark.parametrize("name", WRONG_PIECES)
def test_wrong_pieces_answers_are_refused_and_named(name, capsys):
    answer, phrase = WRONG_PIECES[name]
    ok, out = run(lt.exercises.check_read_in_pieces, answer, capsys)
    assert not ok and out.startswith("✗") and phrase in out, out


@pytest.mark.parametrize("returned", [None, 0.5, [0.5] * 23, "p"], ids=["None", "float", "list", "str"])
def test_odd_pieces_returns_do_not_crash(returned, capsys):
    ok, out = run(lt.exercises.check_read_in_pieces, lambda model, stream, pieces: returned, capsys)
    assert not ok and out.startswith("✗")


def test_the_pieces_starter_and_a_crash(capsys):
    def starter(model, stream, pieces):
        raise NotImplementedError

    ok, out = run(lt.exercises.check_read_in_pieces, starter, capsys)
    assert not ok and "not implemented yet" in out
    ok, out = run(lt.exercises.check_read_in_pieces, lambda model, stream, pieces: stream.view(pieces + 1, -1), capsys)
    assert not ok and "raised RuntimeError" in out


def test_checking_pieces_leaves_the_global_random_state_alone(capsys):
    torch.manual_seed(5)
    before = torch.rand(3)
    torch.manual_seed(5)
    lt.exercises.check_read_in_pieces(read_in_pieces)
    capsys.readouterr()
    assert torch.equal(torch.rand(3), before)
