"""numpy twin of FedWatt's MLP training epoch (784-128-10, ReLU, softmax cross-entropy, plain
minibatch SGD on the mean loss), and its evaluation.

Run as a script by Benchmarks/run-training-benchmark.sh: reads the data, initial weights and batch
order the Swift benchmark wrote, trains one epoch the same way, and prints JSON with the median
epoch time and the largest difference from FedWatt's final weights. Imported by
Benchmarks/flower_fedavg.py, whose Flower clients train with it.
"""
import json
import sys
import time

import numpy as np

INPUTS, HIDDEN, CLASSES = 784, 128, 10


def unpack(flat):
    """Split FedWatt's flat layout into copies: W1 (784x128 row-major), b1, W2 (128x10), b2."""
    a, b = INPUTS * HIDDEN, INPUTS * HIDDEN + HIDDEN
    c = b + HIDDEN * CLASSES
    return flat[:a].reshape(INPUTS, HIDDEN).copy(), flat[a:b].copy(), flat[b:c].reshape(HIDDEN, CLASSES).copy(), flat[c:].copy()


def sgd_epoch(flat, x_all, y_all, order, batch, rate):
    """One pass over the samples ``order`` of ``x_all`` (float32 rows) and ``y_all`` in minibatches of
    ``batch`` at step size ``rate`` (float32), from the flat parameters ``flat``; returns the new ones."""
    w1, b1, w2, b2 = unpack(flat)
    for start in range(0, len(order), batch):
        index = order[start:start + batch]
        x, y, n = x_all[index], y_all[index], len(index)
        h = np.maximum(x @ w1 + b1, 0)
        z = h @ w2 + b2
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        dz = p
        dz[np.arange(n), y] -= 1
        dz *= np.float32(1 / n)
        gw2, gb2 = h.T @ dz, dz.sum(axis=0)
        dh = dz @ w2.T
        dh[h <= 0] = 0
        gw1, gb1 = x.T @ dh, dh.sum(axis=0)
        w1 -= rate * gw1
        b1 -= rate * gb1
        w2 -= rate * gw2
        b2 -= rate * gb2
    return np.concatenate([w1.ravel(), b1, w2.ravel(), b2])


def evaluate(flat, x, y):
    """``(accuracy, mean cross-entropy)`` of the flat parameters on rows ``x`` with labels ``y``."""
    w1, b1, w2, b2 = unpack(flat)
    z = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    z -= z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(np.mean(np.argmax(z, axis=1) == y)), float(-np.mean(log_p[np.arange(len(y)), y]))


def main(directory, repeats):
    pixels = np.fromfile(f"{directory}/pixels.u8", dtype=np.uint8).reshape(-1, INPUTS)
    x_all = pixels.astype(np.float32) * np.float32(1 / 255)
    y_all = np.fromfile(f"{directory}/labels.u8", dtype=np.uint8).astype(np.int64)
    order = np.fromfile(f"{directory}/order.i32", dtype=np.int32)
    initial = np.fromfile(f"{directory}/initial.f32", dtype=np.float32)
    swift_final = np.fromfile(f"{directory}/swift-final.f32", dtype=np.float32)

    def epoch():
        return sgd_epoch(initial, x_all, y_all, order, 32, np.float32(0.1))

    epoch()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        final = epoch()
        times.append(time.perf_counter() - start)

    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(f"{i['internal_api']} {i['version']} {i.get('architecture', '?')}" for i in threadpool_info() if i["user_api"] == "blas")
    except ImportError:
        blas = "threadpoolctl not installed"

    print(json.dumps({
        "median_seconds": sorted(times)[len(times) // 2],
        "max_abs_weight_difference": float(np.abs(final - swift_final).max()),
        "numpy_version": np.__version__,
        "blas": blas,
    }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
