"""Part V's text tools: the corpus and its vocabulary, the smoothed n-gram models (true
probability distributions, equal to counting by hand), the character model's reading and
sampling, and the structure of Python source read off by tokenize."""

import collections
import hashlib
import io
import math
import tokenize
import zlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from lstm_tutorial.text import charlm, corpus, ngrams, show, structure  # noqa: E402


# -- the corpus -------------------------------------------------------------------------------------------
def test_the_corpus_is_python_3_11_7s_168_modules_split_by_file():
    names = corpus.module_names()
    assert len(names) == 168 and names == sorted(names) and "os.py" in names
    by_split = {s: corpus.files(s) for s in corpus.SPLITS}
    assert sorted(sum(by_split.values(), [])) == names  # every file in exactly one split
    for split, files in by_split.items():
        assert files, split
        for name in files:
            bucket = zlib.crc32(name.encode()) % 10
            assert split == ("test" if bucket == 0 else "validation" if bucket == 1 else "train")
    assert "Python Software Foundation" in corpus._archive_bytes()["LICENSE.txt"].decode()
    assert "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2" in corpus.licence()


def test_source_text_is_the_files_of_the_split_in_order():
    text = corpus.source_text("test")
    first = corpus.module_source(corpus.files("test")[0])
    assert text.startswith(first.rstrip("\n") + "\n\n")
    assert len(text) == sum(len(corpus.module_source(n).rstrip("\n")) + 2 for n in corpus.files("test"))


def test_file_starts_find_each_file_in_the_joined_text():
    for split in ("test", "validation"):
        text, names, starts = corpus.source_text(split), corpus.files(split), corpus.file_starts(split)
        assert len(starts) == len(names) and starts[0] == 0 and starts == sorted(set(starts))
        for name, a, b in zip(names, starts, starts[1:] + [len(text)], strict=True):
            assert text[a:b] == corpus.module_source(name).rstrip("\n") + "\n\n", name


def test_encode_and_decode_are_inverse_on_the_vocabulary():
    text = "def f(x):\n\treturn {'a': x ~ 1}  # ok\n"
    ids = corpus.encode(text)
    assert ids.dtype == torch.long and ids.shape == (len(text),)
    assert corpus.decode(ids) == text
    assert ids.min() >= 2 and ids.max() < corpus.VOCAB_SIZE == 99
    assert corpus.encode("é€")[0] == corpus.UNKNOWN and corpus.decode(corpus.encode("aé")) == "a¿"
    assert corpus.decode([corpus.PAD, 2, corpus.PAD]) == "\t"
    with pytest.raises(ValueError, match="between 0 and 98, got 99"):
        corpus.decode([99])
    with pytest.raises(ValueError, match="expected a str, got bytes"):
        corpus.encode(b"abc")


def test_line_dataset_is_balanced_seeded_and_from_its_split():
    lines, labels = corpus.line_dataset("test", 200, seed=3)
    assert len(lines) == 400 and labels.tolist().count(0) == labels.tolist().count(1) == 200
    assert all(2 <= len(line) <= 80 for line in lines)
    again, labels_again = corpus.line_dataset("test", 200, seed=3)
    assert again == lines and torch.equal(labels, labels_again)
    test_code = {line for n in corpus.files("test") for line in corpus.module_source(n).splitlines()}
    assert all(line in test_code for line, y in zip(lines, labels.tolist(), strict=True) if y == 0)
    with pytest.raises(ValueError, match="split must be one of"):
        corpus.line_dataset("dev", 10)
    with pytest.raises(ValueError, match="per_class=100000 is more than that"):
        corpus.line_dataset("test", 100_000)



# sha-256 of source_text(split): chapter 21's checkpoint was trained on the train text and chosen on the
# validation text, so these must never change (line_dataset's cleaning of held-out lines must not reach them)
SOURCE_TEXT_SHA256 = {
    "train": "e8ceb31632612381d14cd64ee3d6675f52a78dc1bb728f2c1f7ad5d776723486",
    "validation": "9193b2452f70f238d61074fc9cbeda8ca8a288c76303c2853934162ff8bfef59",
    "test": "312bf29f4dedc319fe5f9e26b1ac79469778a0f95410d895ee4d0e0da904fb3b",
}


def test_chapter_21s_split_of_the_files_is_unchanged():
    for split, digest in SOURCE_TEXT_SHA256.items():
        assert hashlib.sha256(corpus.source_text(split).encode()).hexdigest() == digest, split
    assert [len(corpus.files(s)) for s in corpus.SPLITS] == [134, 18, 16]


def test_no_held_out_line_has_the_text_of_a_line_of_an_earlier_split():
    every = {s: corpus.split_lines(s, unseen=False) for s in corpus.SPLITS}
    kept = {s: corpus.split_lines(s) for s in corpus.SPLITS}
    assert kept["train"] == every["train"]  # the training lines are all kept
    train = set(every["train"][0]) | set(every["train"][1])
    before_test = train | set(every["validation"][0]) | set(every["validation"][1])
    for kind in (0, 1):
        assert not set(kept["validation"][kind]) & train
        assert not set(kept["test"][kind]) & before_test
        # and nothing else is left out: the kept lines are the others, in order
        assert kept["test"][kind] == [x for x in every["test"][kind] if x not in before_test]
    # the overlap was real: two test topics are word for word parts of the training topic specialnames
    topics = corpus.documentation()
    assert corpus.split_of("specialnames") == "train"
    for topic in ("attribute-access", "context-managers"):
        lines = [line for line in topics[topic].splitlines() if line.strip()]
        repeated = [line for line in lines if line in topics["specialnames"]]
        assert corpus.split_of(topic) == "test" and len(repeated) >= len(lines) - 1
    # and the drawn lines: no test or validation line is a training line, for the chapter's sizes
    train_lines = set(corpus.line_dataset("train", 5000)[0])
    validation_lines = set(corpus.line_dataset("validation", 350)[0])
    test_lines = set(corpus.line_dataset("test", 400)[0])
    assert not (validation_lines & train_lines) and not (test_lines & (train_lines | validation_lines))

# -- n-gram models ----------------------------------------------------------------------------------------
TINY = corpus.encode("abracadabra, abracadabra! cadabra?\n" * 3)


@pytest.mark.parametrize("smoothing", ngrams.SMOOTHINGS)
@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_probabilities_over_the_vocabulary_sum_to_one(smoothing, order):
    model = ngrams.NGramModel(order, smoothing).fit(TINY)
    context = corpus.encode("xabra cad!q")  # seen and unseen histories, and padding at the start
    total = sum(model.probability(context, torch.full_like(context, s)) for s in range(corpus.VOCAB_SIZE))
    torch.testing.assert_close(total, torch.ones(len(context), dtype=torch.float64))


def test_add_k_is_counting_by_hand():
    k, order = 0.05, 3
    model = ngrams.NGramModel(order, "add-k", k=k).fit(TINY)
    seq = TINY.tolist()
    grams = collections.Counter(tuple(seq[i:i + order]) for i in range(len(seq) - order + 1))
    contexts = collections.Counter(tuple(seq[i:i + order - 1]) for i in range(len(seq) - order + 1))
    query = corpus.encode("cadabra? xy")
    p = model.probability(query)
    q = query.tolist()
    for t in range(order - 1, len(q)):
        h = tuple(q[t - order + 1:t])
        expected = (grams[(*h, q[t])] + k) / (contexts[h] + k * corpus.VOCAB_SIZE)
        assert math.isclose(p[t].item(), expected, rel_tol=1e-12)


def test_kneser_ney_is_the_textbook_recursion():
    """Interpolated Kneser-Ney by hand for a bigram model: the highest order discounts raw
    counts, the unigram level uses continuation counts, interpolated with uniform."""
    d, V = 0.75, corpus.VOCAB_SIZE
    model = ngrams.NGramModel(2, "kneser-ney", discount=d).fit(TINY)
    seq = TINY.tolist()
    bigrams = collections.Counter(zip(seq, seq[1:], strict=False))
    continuation = collections.Counter(w for (_, w) in bigrams)  # distinct left neighbours
    total_continuation = sum(continuation.values())

    def p_uni(w):
        return max(continuation[w] - d, 0) / total_continuation + d * len(continuation) / total_continuation / V

    def p_bi(h, w):
        c_h = sum(c for (a, _), c in bigrams.items() if a == h)
        if c_h == 0:
            return p_uni(w)
        types = sum(1 for (a, _) in bigrams if a == h)
        return max(bigrams[(h, w)] - d, 0) / c_h + d * types / c_h * p_uni(w)

    query = corpus.encode("abra zcad")
    p = model.probability(query)
    for t in range(1, len(query)):
        assert math.isclose(p[t].item(), p_bi(query[t - 1].item(), query[t].item()), rel_tol=1e-12)


def test_modified_kneser_ney_is_the_textbook_recursion():
    """Chen & Goodman's modified Kneser-Ney by hand for a trigram model: three discounts per
    order from its counts of counts, continuation counts below the top, interpolated down to
    uniform."""
    V = corpus.VOCAB_SIZE
    text = corpus.encode("the cat sat on the mat; the cat ate the rat. " * 4 + "a bat sat")
    model = ngrams.NGramModel(3, "modified-kneser-ney").fit(text)
    seq = text.tolist()
    trigrams = collections.Counter(zip(seq, seq[1:], seq[2:], strict=False))
    # continuation counts: of each bigram (unigram), how many different symbols came before it
    bigrams_cont = collections.Counter(g[1:] for g in trigrams)
    unigrams_cont = collections.Counter(g[1:] for g in collections.Counter(zip(seq, seq[1:], strict=False)))
    levels = {1: unigrams_cont, 2: bigrams_cont, 3: trigrams}

    def discounts(counts):
        n = [sum(1 for c in counts.values() if c == k) for k in range(1, 5)]
        return ngrams.modified_discounts(n)

    D = {n: discounts(levels[n]) for n in levels}
    assert model.discounts() == D

    def prob(history, w, n):
        if n == 0:
            return 1 / V
        counts = levels[n]
        h = tuple(history[len(history) - n + 1:]) if n > 1 else ()
        seen = {g: c for g, c in counts.items() if g[:-1] == h}
        total = sum(seen.values())
        if total == 0:
            return prob(history, w, n - 1)
        d = D[n]
        discount = [0.0, d[0], d[1], d[2]]
        c = seen.get((*h, w), 0)
        given = sum(discount[min(k, 3)] for k in seen.values())
        return (c - discount[min(c, 3)]) / total + given / total * prob(history, w, n - 1)

    query = corpus.encode("the bat ate a cat zz")
    p = model.probability(query)
    q = [0, 0] + query.tolist()  # padding before the start
    for t in range(len(query)):
        assert math.isclose(p[t].item(), prob(q[t:t + 2], q[t + 2], 3), rel_tol=1e-12), t


def test_the_discount_estimates_and_their_fallbacks():
    n1, n2, n3, n4 = 100, 40, 20, 10
    y = n1 / (n1 + 2 * n2)
    assert ngrams.modified_discounts((n1, n2, n3, n4)) == pytest.approx(
        (1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3))
    assert ngrams.modified_discounts((0, 0, 0, 0)) == (0.75, 0.75, 0.75)
    d1, d2, d3 = ngrams.modified_discounts((5, 0, 0, 0))
    assert d1 == 1.0 and d2 == d3 == d1  # nothing seen twice: D1 carried up
    assert all(0 <= d <= k for k, d in enumerate(ngrams.modified_discounts((3, 1, 50, 0)), start=1))


def test_counting_once_for_every_order_changes_nothing():
    stream = corpus.encode(corpus.module_source("this.py"))
    query = corpus.encode(corpus.module_source("keyword.py"))
    counted = ngrams.count(stream, 5)
    models = [ngrams.NGramModel(n, s).fit(counted) for s in ngrams.SMOOTHINGS for n in (1, 3, 5)]
    together = ngrams.probabilities(models, query)
    for model, p in zip(models, together, strict=True):
        alone = ngrams.NGramModel(model.order, model.smoothing).fit(stream).probability(query)
        assert torch.equal(p, alone), model
    assert ngrams.probabilities([], query) == []


def test_ngram_models_say_what_is_wrong():
    with pytest.raises(ValueError, match="order must be an int from 1 to 9, got 0"):
        ngrams.NGramModel(0)
    with pytest.raises(ValueError, match="too many codes for 64-bit integers"):
        ngrams.NGramModel(9, vocab_size=200)
    with pytest.raises(ValueError, match="a model of order 4 over 99 symbols needs 4-grams over 99"):
        ngrams.NGramModel(4).fit(ngrams.count(TINY, 3))
    with pytest.raises(ValueError, match="an add-k model has no discounts"):
        ngrams.NGramModel(2, "add-k").fit(TINY).discounts()
    with pytest.raises(ValueError, match="smoothing must be one of"):
        ngrams.NGramModel(3, "laplace")
    with pytest.raises(ValueError, match="not fitted yet"):
        ngrams.NGramModel(3).probability(TINY)
    with pytest.raises(ValueError, match="symbol indices from 0 to 98, got 0 to 120"):
        ngrams.NGramModel(2).fit(torch.tensor([0, 120]))
    with pytest.raises(ValueError, match="1-D stream"):
        ngrams.NGramModel(2).fit(TINY.view(1, -1))
    assert math.isclose(ngrams.perplexity(2.0), 4.0)


# -- the character model ----------------------------------------------------------------------------------
def test_read_gives_each_character_its_probability_piece_by_piece():
    torch.manual_seed(0)
    model = charlm.CharLM(hidden_size=8)
    stream = corpus.encode("def f(x):\n    return x + 1\n" * 7 + "ab")
    p = charlm.read(model, stream, pieces=4, chunk=5)
    length = len(stream) // 4
    expected = []
    with torch.no_grad():
        starts = [(r * length, (r + 1) * length) for r in range(4)] + [(4 * length, len(stream))]
        for a, b in starts:
            if b - a < 1:
                continue
            logits, _ = model(stream[a:b].unsqueeze(0))
            log_p = logits.log_softmax(-1)[0]
            following = stream[a + 1:b + 1]
            expected.append(log_p[torch.arange(len(following)), following].exp())
    torch.testing.assert_close(p, torch.cat(expected))
    assert p.shape == (len(stream) - 1,)
    assert charlm.bits_per_char(model, stream, pieces=4) == pytest.approx(float(-torch.log2(p).mean()))


def test_training_carries_the_state_and_is_reproducible(capsys):
    stream = corpus.encode(corpus.module_source("this.py") * 3)
    runs = []
    for _ in range(2):
        torch.manual_seed(1)
        model = charlm.CharLM(hidden_size=16)
        losses = charlm.train_stream(model, stream, 10, batch_size=4, time_step=16)
        runs.append((losses, charlm.fingerprint(model)))
    assert runs[0] == runs[1]
    assert len(capsys.readouterr().out.strip().splitlines()) == 2 * 5  # five lines a run
    assert runs[0][0][-1] < runs[0][0][0]


def test_reproducible_here_knows_the_machine(monkeypatch):
    metadata = {"torch": str(torch.__version__)}
    torch.set_num_threads(1)
    here = (torch.backends.cpu.get_cpu_capability() == charlm.CHECKPOINT_CPU
            and charlm.cpu_vendor() == charlm.CHECKPOINT_VENDOR)
    assert charlm.reproducible_here(metadata) == here
    monkeypatch.setattr(charlm, "cpu_vendor", lambda: "AuthenticAMD")
    assert not charlm.reproducible_here(metadata)
    monkeypatch.undo()
    assert not charlm.reproducible_here({"torch": "1.0.0"})
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")
    assert not charlm.reproducible_here(metadata)


def test_fingerprint_sees_one_bit():
    model = charlm.CharLM(hidden_size=4)
    before = charlm.fingerprint(model)
    with torch.no_grad():
        w = model.readout.bias
        w[0] = torch.nextafter(w[0], torch.tensor(1.0))
    assert charlm.fingerprint(model) != before


def test_sampling_is_seeded_and_temperature_sharpens():
    torch.manual_seed(0)
    model = charlm.CharLM(hidden_size=8)
    a = charlm.sample(model, "def ", 40, temperature=0.7, generator=torch.Generator().manual_seed(5))
    b = charlm.sample(model, "def ", 40, temperature=0.7, generator=torch.Generator().manual_seed(5))
    assert a == b and len(a) == 40 and "\x00" not in a
    with pytest.raises(ValueError, match="temperature must be positive, got 0"):
        charlm.sample(model, "x", 3, temperature=0)
    with pytest.raises(ValueError, match="a prompt of at least one character"):
        charlm.sample(model, "", 3)


def test_the_checkpoint_records_its_recipe_and_fingerprint():
    if not charlm.CHECKPOINT.exists():
        pytest.skip("no checkpoint yet: make checkpoint")
    model, metadata = charlm.load(charlm.CHECKPOINT)
    assert metadata["recipe"] == charlm.RECIPE
    assert metadata["fingerprint"] == charlm.fingerprint(model)
    assert metadata["corpus"] == corpus.ARCHIVE


def test_the_recipe_reproduces_the_checkpoints_first_steps(capsys):
    """The checkpoint's run, started again, passes through the same bits: its first
    ``prefix_steps`` steps give the parameters fingerprinted in the checkpoint."""
    if not charlm.CHECKPOINT.exists():
        pytest.skip("no checkpoint yet: make checkpoint")
    torch.set_num_threads(1)
    _, metadata = charlm.load(charlm.CHECKPOINT)
    if not charlm.reproducible_here(metadata):
        pytest.skip(f"the checkpoint was made with torch {metadata['torch']} on a {charlm.CHECKPOINT_CPU} CPU, "
                    f"one thread; this is torch {torch.__version__}, {torch.backends.cpu.get_cpu_capability()}, "
                    f"{torch.get_num_threads()} thread(s): its bits cannot be reproduced here")
    model, _ = charlm.train_recipe(corpus.encode(corpus.source_text("train")), charlm.RECIPE["prefix_steps"])
    assert charlm.fingerprint(model) == metadata["prefix_fingerprint"]


# -- the structure of Python source -----------------------------------------------------------------------
SNIPPET = 'x = f(a, [1, 2], "(")  # (\nif x:\n    y = {\n        1: 2}\n'


def test_bracket_pairs_ignore_strings_and_comments():
    pairs = structure.bracket_pairs(SNIPPET)
    assert [(SNIPPET[a], SNIPPET[b], c) for a, b, c in pairs] == [("[", "]", "]"), ("(", ")", ")"), ("{", "}", "}")]
    assert all(SNIPPET[b] == c for _, b, c in pairs)


def test_features_of_a_known_snippet():
    f = structure.features(SNIPPET)
    digits = {k: "".join(str(int(v)) if v < 10 else "+" for v in t) for k, t in f.items()}
    assert digits["bracket depth"][:22] == "0000011112222211111100"
    quote = SNIPPET.index('"')
    assert digits["inside a string"][quote:quote + 4] == "1110"
    hash_at = SNIPPET.index("#")
    assert digits["inside a comment"][hash_at - 1:hash_at + 4] == "01110"
    assert f["indentation"][SNIPPET.index("1:")].item() == 8
    assert f["position in line"][SNIPPET.index("y")].item() == 4
    assert all(t.shape == (len(SNIPPET),) for t in f.values())
    with pytest.raises(ValueError, match="not Python that tokenize can read"):
        structure.features("x = (1,\n")


def test_correlations_and_best_units():
    torch.manual_seed(0)
    q = torch.randn(500)
    values = torch.randn(500, 4)
    values[:, 2] = -3 * q + 0.1 * torch.randn(500)
    values[:, 3] = 1.0  # a constant unit has no correlation
    r = structure.correlations(values, {"q": q})["q"]
    assert r[3] == 0 and r[2] < -0.99 and r[:2].abs().max() < 0.2
    assert structure.best_units(values, {"q": q})["q"][0] == 2
    with pytest.raises(ValueError, match=r"should have shape \(500,\), got \(3,\)"):
        structure.correlations(values, {"q": torch.ones(3)})


def test_quote_pairs_find_every_string_and_its_closing_quote():
    text = 'a = "x(y"  # "not a string"\nb = rb\'\\\'\' + f"{a!r}"\n"""doc\nstring"""\n'
    pairs = structure.quote_pairs(text)
    assert [(text[a], text[b:b + len(q)], q) for a, b, q in pairs] == [
        ('"', '"', '"'), ("'", "'", "'"), ('"', '"', '"'), ('"', '"""', '"""')]
    assert [text[a + len(q):b] for a, b, q in pairs] == ["x(y", "\\\'", "{a!r}", "doc\nstring"]


def test_f_strings_in_pieces_are_read_as_one_string():
    """Python 3.12 tokenizes an f-string into pieces; merged, they are one STRING token, as
    in 3.11, whatever they nest."""
    text = 'x = f"{a:{w}}" + f"{f\'{b}\'}"\n'
    whole = list(tokenize.generate_tokens(io.StringIO(text).readline))
    START, END, MIDDLE = 1000, 1001, 1002  # stand-ins for FSTRING_START / _END / _MIDDLE
    pieces = []
    for tok in whole:
        if tok.type == tokenize.STRING:  # cut each string as 3.12 would: start, inside, end
            (r, c), (r2, c2) = tok.start, tok.end
            pieces += [tokenize.TokenInfo(START, 'f"', (r, c), (r, c + 2), tok.line),
                       tokenize.TokenInfo(tokenize.OP, "{", (r, c + 2), (r, c + 3), tok.line),
                       tokenize.TokenInfo(START, "f'", (r, c + 3), (r, c + 5), tok.line),
                       tokenize.TokenInfo(END, "'", (r, c + 5), (r, c + 6), tok.line),
                       tokenize.TokenInfo(MIDDLE, "x", (r, c + 6), (r, c + 7), tok.line),
                       tokenize.TokenInfo(END, '"', (r2, c2 - 1), (r2, c2), tok.line)]
        else:
            pieces.append(tok)
    merged = structure._merge_fstrings(pieces, START, END)
    assert [(t.type, t.start, t.end) for t in merged] == [(t.type, t.start, t.end) for t in whole]


def test_tokens_are_read_once_per_text():
    structure._tokens.cache_clear()
    structure.bracket_pairs(SNIPPET)
    structure.quote_pairs(SNIPPET)
    assert structure._tokens.cache_info().hits == 1


# -- text coloured by a unit ------------------------------------------------------------------------------
def test_text_grid_lays_values_out_as_the_characters():
    lines, grid = show.text_grid("ab\n\ncde", [1, 2, 0, 0, 3, 4, 5])
    assert lines == ["ab", "", "cde"] and grid.shape == (3, 3)
    assert grid[0, :2].tolist() == [1, 2] and np.isnan(grid[0, 2]) and np.isnan(grid[1]).all()
    assert grid[2].tolist() == [3, 4, 5]
    with pytest.raises(ValueError, match=r"one value per character of the text \(3\), got 2"):
        show.text_grid("abc", [1, 2])


def test_colour_text_draws_every_visible_character_on_a_centred_scale():
    text = "if x:\n\ty = (1, 2)\n"
    values = torch.linspace(-2, 1, len(text))
    ax = show.colour_text(text, values, title="unit 7")
    drawn = [t.get_text() for t in ax.texts]
    assert drawn == ["if", "x:", show.TAB + "y", "=", "(1,", "2)"]  # a run of text per word
    assert [t.get_position() for t in ax.texts[2:4]] == [(-0.5, 1), (3 - 0.5, 1)]  # at its first cell
    # each character as wide as its cell
    cell = ax.get_position().width * ax.figure.get_figwidth() * 72 / 11
    assert ax.texts[0].get_fontsize() * show.ADVANCE == pytest.approx(cell)
    assert ax.texts[0].get_fontfamily() == [show.FONT]
    image = ax.images[0]
    assert image.get_clim() == (-2.0, 2.0) and image.get_array().shape == (3, 11)
    assert ax.get_title(loc="left") == "unit 7"
    plt.close(ax.figure)
    ax = show.colour_text("ab", [0, 0])  # all zero: a scale of +-1, not +-0
    assert ax.images[0].get_clim() == (-1.0, 1.0)
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="limit must be positive, got -1"):
        show.colour_text("ab", [0, 1], limit=-1)


def test_a_figure_sized_for_the_text():
    text = "x" * 50 + "\n" + "y" * 10
    fig, axes = show.figure(text, 2)
    assert len(axes) == 2 and fig.get_size_inches()[0] == pytest.approx(show.CELL[0] * 50 + 1.4)
    plt.close(fig)
