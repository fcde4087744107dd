"""Sequences of different lengths in one batch: padding, reading each row's last real step, and a
small classifier of lines of real text whose lengths matter.

A batch of lines is a rectangle: each line is padded at its end with index 0 up to the longest
line of the batch (``pad_lines``), and the true lengths are kept beside it. A recurrent layer run
over such a batch must not let the padding reach what is read out. For one direction it is
enough to read each row's output at its last real step (``at_lengths``): the outputs before the
padding do not depend on it. For the backward direction of a bidirectional layer the padding
comes *first*; packing (``torch.nn.utils.rnn.pack_padded_sequence``) keeps it out, and so does
running a one-direction layer on each row reversed within its length (``reverse_within_lengths``),
which computes the same numbers on a padded batch (on a CPU, at the sizes of chapter 20, a training
step on it takes less than half the time of one on a packed batch).

``LineClassifier`` reads a line and says whether it is Python source or the language reference's
prose; it can read its LSTM in the right ways and in the wrong ones (``READS``), so that a chapter
can measure what each mistake costs. ``BagOfCharacters`` is the strong simple baseline: logistic
regression on the frequencies of characters and of pairs of characters and on the line's length
(``CharacterPairs``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn.functional import binary_cross_entropy_with_logits
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

from ..text import corpus

#: how a LineClassifier reads one vector per line out of its LSTM
READS = {
    "packed": "h_n of a packed run: each row's state at its last real step",
    "at lengths": "output at each row's last real step, lengths - 1, of an unpacked run",
    "last step": "output[:, -1] of an unpacked run, which has read the padding",
    "packed, last step": "output[:, -1] of a packed run: 0 for every row shorter than the batch's longest",
}


def pad_lines(lines: Sequence[str], total_length: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Lines of text as one padded batch: ``(x, lengths)``, ``x`` of shape (batch, time) holding
    vocabulary indices with padding (index 0) after each line, ``time`` the longest line's length
    (or ``total_length``), and ``lengths`` a 1-D long tensor of each line's length."""
    if isinstance(lines, str) or not lines:
        raise ValueError(f"pad_lines expected a non-empty list of str, got {lines!r:.40}")
    encoded = [corpus.encode(line) for line in lines]
    lengths = torch.tensor([len(e) for e in encoded])
    if lengths.min() < 1:
        raise ValueError("pad_lines expected lines of at least one character, got an empty one")
    x = pad_sequence(encoded, batch_first=True, padding_value=corpus.PAD)
    if total_length is not None:
        if total_length < x.shape[1]:
            raise ValueError(f"pad_lines: total_length={total_length} is shorter than the longest line, "
                             f"{x.shape[1]} characters")
        x = torch.cat([x, x.new_full((len(lines), total_length - x.shape[1]), corpus.PAD)], dim=1)
    return x, lengths


def _check_lengths(lengths, x: torch.Tensor) -> torch.Tensor:
    lengths = torch.as_tensor(lengths)
    if lengths.dim() != 1 or lengths.numel() != x.shape[0]:
        raise ValueError(f"expected one length per row of x (batch={x.shape[0]}), got lengths of shape "
                         f"{list(lengths.shape)}")
    if lengths.dtype.is_floating_point or lengths.dtype == torch.bool:
        raise ValueError(f"expected integer lengths, got {lengths.dtype}")
    if len(lengths) and not (1 <= int(lengths.min()) and int(lengths.max()) <= x.shape[1]):
        raise ValueError(f"expected lengths between 1 and time={x.shape[1]}, got {lengths.tolist()}")
    return lengths.to(device=x.device, dtype=torch.long)


def at_lengths(output: torch.Tensor, lengths) -> torch.Tensor:
    """Each row's output at its last real step: ``output[b, lengths[b] - 1]``, of shape (batch, ...)
    from ``output`` of shape (batch, time, ...)."""
    lengths = _check_lengths(lengths, output)
    return output[torch.arange(output.shape[0], device=output.device), lengths - 1]


def real_steps(lengths, time: int) -> torch.Tensor:
    """The mask of a padded batch: True at the real steps, (batch, time)."""
    lengths = torch.as_tensor(lengths)
    return torch.arange(time, device=lengths.device) < lengths.unsqueeze(1)


def reverse_within_lengths(x: torch.Tensor, lengths) -> torch.Tensor:
    """Each row of ``x`` (batch, time, ...) with its real steps in reverse order and its padding left
    where it was, at the end: what the backward direction of a packed layer reads."""
    lengths = _check_lengths(lengths, x)
    t = torch.arange(x.shape[1], device=x.device)
    index = torch.where(t < lengths.unsqueeze(1), lengths.unsqueeze(1) - 1 - t, t)  # (batch, time)
    index = index.view(*index.shape, *([1] * (x.dim() - 2))).expand_as(x)
    return x.gather(1, index)


class LineClassifier(nn.Module):
    """Embedding, an LSTM, and a linear layer on one vector per line: two logits, for code (0) and
    for documentation (1).

    ``read`` is how the vector is taken out of the LSTM (one of ``READS``). A bidirectional
    classifier holds two one-direction LSTMs, ``forward_lstm`` and ``backward_lstm``; with
    ``read="packed"`` it runs the backward one on each row reversed within its length, which gives
    what ``nn.LSTM(bidirectional=True)`` gives on a packed batch (``as_bidirectional_lstm`` builds
    that module) on a padded batch, without packing, and reads each direction at its
    row's last real step: the forward state after the last character and the backward state after
    the first, ``h_n[-2]`` and ``h_n[-1]`` of the packed module. With ``read="last step"`` both run
    on the padded batch as it is and are read at the last step: the backward direction starts in
    the padding.

    ``model((x, lengths))`` takes a padded batch as ``pad_lines`` returns it.
    """

    def __init__(self, hidden_size: int = 32, embedding_size: int = 16, *, bidirectional: bool = False,
                 read: str = "at lengths"):
        super().__init__()
        if read not in READS:
            raise ValueError(f"read must be one of {list(READS)}, got {read!r}")
        if bidirectional and read not in ("packed", "last step"):
            raise ValueError(f"a bidirectional LineClassifier reads 'packed' or 'last step', got {read!r}")
        self.read, self.bidirectional = read, bidirectional
        self.embed = nn.Embedding(corpus.VOCAB_SIZE, embedding_size, padding_idx=corpus.PAD)
        self.forward_lstm = nn.LSTM(embedding_size, hidden_size, batch_first=True)
        self.backward_lstm = nn.LSTM(embedding_size, hidden_size, batch_first=True) if bidirectional else None
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), 2)

    def forward(self, batch) -> torch.Tensor:
        x, lengths = batch
        return self.head(self.summary(x, lengths))

    def summary(self, x: torch.Tensor, lengths) -> torch.Tensor:
        """The vector the head reads, one per line: (batch, hidden) or (batch, 2 * hidden)."""
        lengths = _check_lengths(lengths, x)
        e = self.embed(x)
        if self.bidirectional:
            return self._two_directions(e, lengths)
        if self.read == "packed":
            packed = pack_padded_sequence(e, lengths.cpu(), batch_first=True, enforce_sorted=False)
            _, (h_n, _) = self.forward_lstm(packed)
            return h_n[-1]
        if self.read == "packed, last step":
            packed = pack_padded_sequence(e, lengths.cpu(), batch_first=True, enforce_sorted=False)
            output, _ = pad_packed_sequence(self.forward_lstm(packed)[0], batch_first=True)
            return output[:, -1]
        output, _ = self.forward_lstm(e)
        return output[:, -1] if self.read == "last step" else at_lengths(output, lengths)

    def every_step(self, x: torch.Tensor) -> torch.Tensor:
        """The head's logits after every character, (batch, time, 2), from an unpacked run of a
        one-direction classifier: at the real steps they are exactly those of a packed run, since
        the padding comes after them; at the padded steps they mean nothing."""
        if self.bidirectional:
            raise ValueError("every_step: a bidirectional classifier has no guess before the whole line is read")
        output, _ = self.forward_lstm(self.embed(x))
        return self.head(output)

    def _two_directions(self, e: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        if self.read == "last step":  # as an unpacked nn.LSTM(bidirectional=True) runs
            forward, _ = self.forward_lstm(e)
            backward, _ = self.backward_lstm(e.flip(1))  # the padding first
            return torch.cat([forward[:, -1], backward[:, -1]], dim=1)
        forward, _ = self.forward_lstm(e)
        backward, _ = self.backward_lstm(reverse_within_lengths(e, lengths))
        return torch.cat([at_lengths(forward, lengths), at_lengths(backward, lengths)], dim=1)

    def as_bidirectional_lstm(self) -> nn.LSTM:
        """The two directions as one ``nn.LSTM(bidirectional=True, batch_first=True)``."""
        if not self.bidirectional:
            raise ValueError("as_bidirectional_lstm: this LineClassifier has one direction")
        f = self.forward_lstm
        lstm = nn.LSTM(f.input_size, f.hidden_size, batch_first=True, bidirectional=True,
                       dtype=f.weight_ih_l0.dtype)
        weights = {name: value for name, value in f.state_dict().items()}
        weights |= {f"{name}_reverse": value for name, value in self.backward_lstm.state_dict().items()}
        lstm.load_state_dict(weights)
        return lstm


def batches(lines: Sequence[str], labels: torch.Tensor, batch_size: int, total_length: int | None = None):
    """The lines in order, ``batch_size`` at a time, each batch padded to its longest line (or to
    ``total_length``): ``((x, lengths), y)``."""
    for start in range(0, len(lines), batch_size):
        yield pad_lines(lines[start:start + batch_size], total_length), labels[start:start + batch_size]


def random_batches(lines: Sequence[str], labels: torch.Tensor, batch_size: int):
    """``make_batch(generator)`` for ``lt.train``: ``batch_size`` lines drawn at random, padded to
    the longest of them."""
    x, lengths = pad_lines(lines)  # once: each batch takes its rows and cuts the padding it does not need

    def make_batch(generator: torch.Generator):
        pick = torch.randint(0, len(lines), (batch_size,), generator=generator)
        return (x[pick, : int(lengths[pick].max())], lengths[pick]), labels[pick]
    return make_batch


def predict(model: nn.Module, lines: Sequence[str], *, batch_size: int = 256,
            total_length: int | None = None) -> torch.Tensor:
    """The class ``model`` gives each line (a long tensor), in batches of ``batch_size`` lines, each
    padded to its longest line (or to ``total_length``)."""
    out = []
    with torch.no_grad():
        for batch, _ in batches(lines, torch.zeros(len(lines)), batch_size, total_length):
            out.append(model(batch).argmax(dim=1))
    return torch.cat(out)


def accuracy_by_length(predicted: torch.Tensor, labels: torch.Tensor, line_lengths: torch.Tensor,
                       edges: Sequence[int]) -> list[float]:
    """Accuracy in each bucket of line lengths: lines of ``edges[k]`` to ``edges[k + 1] - 1``
    characters (NaN for an empty bucket)."""
    right = (predicted == labels).float()
    found = []
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (line_lengths >= low) & (line_lengths < high)
        found.append(right[inside].mean().item() if inside.any() else float("nan"))
    return found


class CharacterPairs:
    """A bag of characters and of pairs of adjacent characters for every line: which characters and
    pairs occur in line ``k`` (row ``k``; a character c is column c, a pair (a, b) is column
    V + a * V + b, V = ``corpus.VOCAB_SIZE``), and how often, divided by the line's number of
    characters, so that long and short lines are on one scale. With ``longest``, the length that the
    division takes away is given back as ``longest`` more columns, one for each length from 1 to
    ``longest``: 1 in the column of the line's length. A sparse matrix of shape
    (lines, V + V * V [+ longest]), kept as its nonzero entries, in float64."""

    def __init__(self, lines: Sequence[str], *, longest: int | None = None):
        x, lengths = pad_lines(lines)
        n, time = corpus.VOCAB_SIZE, x.shape[1]
        if longest is not None and time > longest:
            raise ValueError(f"CharacterPairs: a line has {time} characters, more than longest={longest}")
        t = torch.arange(time)
        singles = t < lengths.unsqueeze(1)
        pairs = t[:-1] < (lengths - 1).unsqueeze(1)
        row = torch.cat([singles.nonzero()[:, 0], pairs.nonzero()[:, 0]])
        column = torch.cat([x[singles], n + (x[:, :-1] * n + x[:, 1:])[pairs]])
        value = 1.0 / lengths[row].double()
        self.shape = (len(lines), n + n * n + (longest or 0))
        if longest is not None:
            row = torch.cat([row, torch.arange(len(lines))])
            column = torch.cat([column, n + n * n + lengths - 1])
            value = torch.cat([value, torch.ones(len(lines), dtype=torch.float64)])
        # one entry per (line, column), in order: a pair that occurs twice in a line is one entry of
        # twice the value
        key, where = torch.unique(row * self.shape[1] + column, return_inverse=True)
        value = torch.zeros(len(key), dtype=torch.float64).index_add_(0, where, value)
        matrix = torch.sparse_coo_tensor(torch.stack([key // self.shape[1], key % self.shape[1]]), value,
                                         self.shape, is_coalesced=True, check_invariants=False)
        with warnings.catch_warnings():  # "sparse CSR support is in beta": its products are all we use
            warnings.simplefilter("ignore", UserWarning)
            self._matrix = matrix.to_sparse_csr()
            self._transposed = matrix.t().coalesce().to_sparse_csr()

    def __matmul__(self, w: torch.Tensor) -> torch.Tensor:
        """The matrix times a vector of weights, one per column: (lines,)."""
        return self._matrix @ w.double()

    def transpose_times(self, r: torch.Tensor) -> torch.Tensor:
        """The transposed matrix times a vector, one entry per line: (columns,)."""
        return self._transposed @ r.double()


class BagOfCharacters:
    """Logistic regression on ``CharacterPairs``: the logit of "documentation" is a weighted sum of
    the line's features plus a constant, fitted by L-BFGS on the mean cross-entropy plus ``l2``
    times the squared norm of the weights (a convex problem: no seed). After ``fit``, ``gradient``
    is the largest entry of the loss's gradient where the fit stopped, ``converged`` whether that
    is at most ``tolerance``, and ``iterations`` how many L-BFGS took."""

    def __init__(self, l2: float = 1e-6):
        if not l2 >= 0:
            raise ValueError(f"l2 must be 0 or more, got {l2!r}")
        self.l2 = l2
        self.weight = None
        self.iterations, self.gradient, self.converged = 0, float("nan"), False

    def fit(self, bag: CharacterPairs, labels: torch.Tensor, *, max_iter: int = 1000, tolerance: float = 1e-5,
            start: BagOfCharacters | None = None) -> BagOfCharacters:
        """Fit the weights until no entry of the gradient is above ``tolerance`` (or ``max_iter``
        iterations), from zero or from the weights of ``start``, a fit on the same columns with
        another penalty: a path of penalties from strong to weak gets to each minimum faster so."""
        y = torch.as_tensor(labels).double()
        if len(y) != bag.shape[0]:
            raise ValueError(f"BagOfCharacters.fit expected one label per line ({bag.shape[0]}), got {len(y)}")
        if start is not None and (start.weight is None or start.weight.shape != (bag.shape[1] + 1,)):
            raise ValueError("BagOfCharacters.fit: start must be a fitted BagOfCharacters on a bag with the same "
                             "columns")
        w = torch.zeros(bag.shape[1] + 1, dtype=torch.float64) if start is None else start.weight.clone()
        w.requires_grad_(True)
        # the loss's changes are no test of convergence here (a weak penalty lets it creep down for
        # hundreds of iterations): only the gradient is, hence the tiny tolerance_change
        optimizer = torch.optim.LBFGS([w], lr=1, max_iter=max_iter, max_eval=2 * max_iter, history_size=100,
                                      line_search_fn="strong_wolfe", tolerance_grad=tolerance,
                                      tolerance_change=1e-12)

        def closure():
            # the gradient of the loss, written out: X^T (sigmoid(X w) - y) / N, and the penalty's
            with torch.no_grad():
                z = bag @ w[:-1] + w[-1]
                loss = binary_cross_entropy_with_logits(z, y) + self.l2 * w[:-1].pow(2).sum()
                r = (torch.sigmoid(z) - y) / len(y)
                w.grad = torch.cat([bag.transpose_times(r) + 2 * self.l2 * w[:-1], r.sum().view(1)])
            return loss

        optimizer.step(closure)
        closure()  # the gradient where it stopped (the line search's last try may have been elsewhere)
        self.iterations = optimizer.state[w]["n_iter"]
        self.gradient = w.grad.abs().max().item()
        self.converged = self.gradient <= tolerance
        self.weight = w.detach()
        return self

    def predict(self, bag: CharacterPairs) -> torch.Tensor:
        """The class of each line: 1 (documentation) where the logit is positive."""
        if self.weight is None:
            raise ValueError("BagOfCharacters.predict: call fit first")
        return ((bag @ self.weight[:-1] + self.weight[-1]) > 0).long()
