"""The data the chapters learn from: the real CO2 series, synthetic tasks, training windows,
batches laid out for stateful training, and batches of sequences of different lengths."""

from .co2 import CO2_FILE, DATA_DIR, MISSING, load_co2
from .windows import sliding_windows

__all__ = ["CO2_FILE", "DATA_DIR", "MISSING", "load_co2", "sliding_windows"]
