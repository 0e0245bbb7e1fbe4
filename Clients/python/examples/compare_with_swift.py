"""Checks that a Python client trains like FedWatt's Swift client: runs the same job twice on
127.0.0.1, once with a Swift client as client 0 and once with the Python client as client 0 (the
other clients Swift both times), and compares client 0's per-round training loss from the ledgers.

    python compare_with_swift.py --bin .build/debug --client numpy_softmax.py:SoftmaxClient \\
        --clients 3 --out out/compare -- --rounds 5 --model softmax
"""

import argparse
import pathlib
import sys

from fedwatt_client.testing import LocalJob, client_losses


def compare_training_losses(binaries, out, coordinator_arguments, client_class, clients=3, timeout=900):
    """``(swift, python)``: client 0's ``{round: training loss}`` in the all-Swift job and in the job where
    ``client_class`` (``FILE.py:CLASS``) is client 0."""
    losses = []
    for python_first in (False, True):
        folder = pathlib.Path(out) / ("python" if python_first else "swift")
        with LocalJob(binaries, folder, ["--min-clients", str(clients), *coordinator_arguments]) as job:
            first = job.start_python_client(0, client_class) if python_first else job.start_swift_client(0)
            for client_id in range(1, clients):
                job.start_swift_client(client_id)
            if job.wait(timeout) != 0 or first.wait(60) != 0:
                raise RuntimeError(f"the job in {folder} failed; see its logs")
            losses.append(client_losses(job.ledger(), 0))
    return losses[0], losses[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", required=True, help="folder with fedwatt-coordinator and fedwatt-client")
    parser.add_argument("--client", required=True, help="the Python Client class, FILE.py:CLASS")
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--out", default="out/compare")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("coordinator_arguments", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    swift, python = compare_training_losses(args.bin, args.out, [a for a in args.coordinator_arguments if a != "--"],
                                            args.client, args.clients)
    print(f"{'round':>5} {'Swift client 0':>15} {'Python client 0':>16} {'difference':>11}")
    worst = 0.0
    for round_number in sorted(swift):
        difference = abs(swift[round_number] - python.get(round_number, float("inf")))
        worst = max(worst, difference)
        print(f"{round_number:>5} {swift[round_number]:>15.8f} {python.get(round_number, float('nan')):>16.8f} {difference:>11.2e}")
    same = sorted(swift) == sorted(python)
    print(f"largest difference {worst:.2e} (tolerance {args.tolerance:g}); same rounds: {same}")
    return 0 if same and worst < args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
