"""numpy twin of FedWatt's MLP training epoch, for Benchmarks/run-training-benchmark.sh.

Reads the data, initial weights and batch order the Swift benchmark wrote, trains one epoch of the
same MLP (784-128-10, ReLU, softmax cross-entropy, plain SGD) the same way, and prints JSON with the
median epoch time and the largest difference from FedWatt's final weights.
"""
import json
import sys
import time

import numpy as np

directory, repeats = sys.argv[1], int(sys.argv[2])
inputs, hidden, classes, batch, rate = 784, 128, 10, 32, np.float32(0.1)

pixels = np.fromfile(f"{directory}/pixels.u8", dtype=np.uint8).reshape(-1, inputs)
x_all = pixels.astype(np.float32) * np.float32(1 / 255)
y_all = np.fromfile(f"{directory}/labels.u8", dtype=np.uint8).astype(np.int64)
order = np.fromfile(f"{directory}/order.i32", dtype=np.int32)
initial = np.fromfile(f"{directory}/initial.f32", dtype=np.float32)
swift_final = np.fromfile(f"{directory}/swift-final.f32", dtype=np.float32)


def unpack(flat):
    """Split FedWatt's flat layout: W1 (784x128 row-major), b1, W2 (128x10), b2."""
    a, b = inputs * hidden, inputs * hidden + hidden
    c = b + hidden * classes
    return flat[:a].reshape(inputs, hidden).copy(), flat[a:b].copy(), flat[b:c].reshape(hidden, classes).copy(), flat[c:].copy()


def epoch():
    w1, b1, w2, b2 = unpack(initial)
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
