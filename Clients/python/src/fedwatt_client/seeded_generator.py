"""The seeded generator FedWatt draws every random number from (docs/DATA.md, "The generator").

A bit-for-bit port of ``Sources/FedData/SeededGenerator.swift`` (xoshiro256** seeded through
SplitMix64) plus the two Swift standard-library algorithms FedWatt runs on it: ``random_below``
(``Int.random(in: 0..<n, using:)``, Lemire's nearly divisionless method) and ``shuffle``
(``MutableCollection.shuffle(using:)``, a forward Fisher-Yates).
"""

import math

_MASK = (1 << 64) - 1


def _rotate(x, k):
    return ((x << k) | (x >> (64 - k))) & _MASK


class SeededGenerator:
    """xoshiro256** seeded through SplitMix64; the same seed gives the same stream as Swift's."""

    def __init__(self, seed, stream=None):
        """A generator for ``seed``, or for one named ``stream`` of that seed
        (``seed XOR (stream * 0xD1B54A32D192ED03 mod 2^64)``)."""
        seed &= _MASK
        if stream is not None:
            seed ^= (stream * 0xD1B54A32D192ED03) & _MASK
        split_mix = seed
        state = []
        for _ in range(4):
            split_mix = (split_mix + 0x9E3779B97F4A7C15) & _MASK
            z = split_mix
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
            state.append(z ^ (z >> 31))
        self._s = state

    def next(self):
        """The next 64 random bits, as an int in [0, 2^64)."""
        s0, s1, s2, s3 = self._s
        result = (_rotate((s1 * 5) & _MASK, 7) * 9) & _MASK
        t = (s1 << 17) & _MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotate(s3, 45)
        self._s = [s0, s1, s2, s3]
        return result

    def next_unit(self):
        """A uniform double in [0, 1): the top 53 bits times 2^-53."""
        return (self.next() >> 11) * (2.0 ** -53)

    def next_normal(self):
        """A standard normal deviate (Box-Muller, cosine branch)."""
        u1 = 1.0 - self.next_unit()
        u2 = self.next_unit()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def next_gamma(self, shape):
        """A Gamma(shape, 1) deviate (Marsaglia and Tsang; shape < 1 through u^(1/shape))."""
        if shape <= 0:
            raise ValueError("Gamma shape must be positive")
        if shape < 1:
            u = 1.0 - self.next_unit()
            return self.next_gamma(shape + 1) * math.pow(u, 1.0 / shape)
        d = shape - 1.0 / 3.0
        c = 1.0 / math.sqrt(9.0 * d)
        while True:
            while True:
                x = self.next_normal()
                v = 1.0 + c * x
                if not v <= 0:
                    break
            v = v * v * v
            u = 1.0 - self.next_unit()
            if math.log(u) < 0.5 * x * x + d - d * v + d * math.log(v):
                return d * v

    def next_dirichlet(self, alpha, count):
        """A symmetric Dirichlet(alpha) draw over ``count`` categories (gammas over their left-to-right sum)."""
        draws = [self.next_gamma(alpha) for _ in range(count)]
        total = left_sum(draws)
        if total == 0:
            draws[self.random_below(count)] = 1.0
            total = 1.0
        return [d / total for d in draws]

    def random_below(self, upper_bound):
        """A uniform int in [0, upper_bound): Lemire's method exactly as Swift's ``next(upperBound:)``."""
        if upper_bound <= 0:
            raise ValueError("upper bound must be positive")
        m = self.next() * upper_bound
        low = m & _MASK
        if low < upper_bound:
            t = ((1 << 64) - upper_bound) % upper_bound
            while low < t:
                m = self.next() * upper_bound
                low = m & _MASK
        return m >> 64

    def shuffle(self, items):
        """Shuffles the list ``items`` in place as Swift's ``shuffle(using:)`` does."""
        amount = len(items)
        current = 0
        while amount > 1:
            j = current + self.random_below(amount)
            amount -= 1
            items[current], items[j] = items[j], items[current]
            current += 1


def left_sum(values):
    """The sum of ``values`` added left to right in double precision, as Swift's ``reduce(0, +)``
    (Python 3.12's ``sum`` compensates rounding and can differ in the last bit)."""
    total = 0.0
    for value in values:
        total += value
    return total


def round_half_away(x):
    """Rounds a float to the nearest integer, halves away from zero (Swift's ``rounded()``)."""
    t = math.trunc(x)
    if abs(x - t) >= 0.5:
        t += 1 if x > 0 else -1
    return int(t)
