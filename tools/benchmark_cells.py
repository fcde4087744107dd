"""Forward+backward time of the book's from-scratch cells against torch.nn, at the book's sizes.

A benchmark, not a test: it prints the median time per call and the ratio (ours / torch).
Run with `make benchmark`. One CPU thread, as the chapters use.
"""

from __future__ import annotations

import statistics
import time

import torch
from torch import nn

from lstm_tutorial import GRUCell, LSTMCell, RNNCell, unroll

SIZES = [
    # batch, time, input_size, hidden_size
    (64, 100, 32, 128),
    (64, 100, 1, 32),
    (8, 20, 4, 8),
]
KINDS = [("LSTM", LSTMCell, nn.LSTM), ("GRU", GRUCell, nn.GRU), ("RNN", RNNCell, nn.RNN)]


def median_time(fn, repeats: int = 15, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread; median of 15 forward+backward passes")
    print(f"{'cell':<5} {'batch':>5} {'time':>5} {'in':>4} {'hidden':>6}  {'torch.nn':>9}  {'ours':>9}  ratio")
    for name, ours_cls, torch_cls in KINDS:
        for batch, steps, inputs, hidden in SIZES:
            theirs = torch_cls(inputs, hidden, batch_first=True)
            ours = ours_cls.from_torch(theirs)
            x = torch.randn(batch, steps, inputs)

            def run_theirs(theirs=theirs, x=x):
                theirs(x)[0].sum().backward()

            def run_ours(ours=ours, x=x):
                unroll(ours, x)[0].sum().backward()

            t_theirs, t_ours = median_time(run_theirs), median_time(run_ours)
            print(
                f"{name:<5} {batch:>5} {steps:>5} {inputs:>4} {hidden:>6}  "
                f"{t_theirs * 1e3:>7.2f}ms  {t_ours * 1e3:>7.2f}ms  {t_ours / t_theirs:.2f}x"
            )



def ensemble_benchmark() -> None:
    """Members trained per second: as one LSTMEnsemble, one by one, and nn.LSTM for one model."""
    from lstm_tutorial import LSTMCell, SequenceModel
    from lstm_tutorial.ensemble import LSTMEnsemble
    from lstm_tutorial.tasks import adding_problem

    print("\nLSTMEnsemble: forward+backward, member-steps per second (higher is better)")
    for members, batch, steps, hidden in [(24, 32, 30, 8), (10, 32, 51, 4), (24, 64, 100, 32)]:
        models = [SequenceModel(LSTMCell(2, hidden), 1, readout="last") for _ in range(members)]
        ensemble = LSTMEnsemble(models)
        fused = SequenceModel(LSTMCell(2, hidden).to_torch(), 1, readout="last")
        x, y = adding_problem(batch, steps, generator=torch.Generator().manual_seed(0))

        def together(ensemble=ensemble, x=x, y=y):
            ((ensemble(x) - y) ** 2).mean(dim=(1, 2)).sum().backward()

        def one_by_one(models=models, x=x, y=y):
            for m in models:
                ((m(x) - y) ** 2).mean().backward()

        def torch_lstm(fused=fused, x=x, y=y):
            ((fused(x) - y) ** 2).mean().backward()

        rates = [members / median_time(together, 5, 1), members / median_time(one_by_one, 5, 1),
                 1 / median_time(torch_lstm, 5, 1)]
        print(
            f"{members:>3} members, batch {batch}, time {steps}, hidden {hidden}: ensemble {rates[0]:7.0f}, "
            f"one by one {rates[1]:7.0f}, nn.LSTM (one model) {rates[2]:7.0f}"
        )


if __name__ == "__main__":
    main()
    ensemble_benchmark()
