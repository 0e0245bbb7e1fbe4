"""Top-k sparsification: which values a ``topk:F`` stage keeps."""

import numpy as np

from .seeded_generator import round_half_away


def kept_count(fraction, count):
    """``round(F * n)`` (halves away from zero), at least 1, at most n."""
    return min(count, max(1, round_half_away(fraction * float(count))))


def select(values, k):
    """The ascending indices of the ``k`` largest magnitudes; ties at the threshold go to lower indices."""
    n = len(values)
    if k >= n:
        return np.arange(n)
    if k <= 0:
        return np.arange(0)
    magnitudes = np.abs(np.asarray(values, dtype=np.float32))
    threshold = np.partition(magnitudes, n - k)[n - k]
    above = magnitudes > threshold
    at = np.flatnonzero(magnitudes == threshold)[:k - int(above.sum())]
    chosen = above.copy()
    chosen[at] = True
    return np.flatnonzero(chosen)
