"""Runs one FedWatt job on 127.0.0.1 with Python clients (``fedwatt-py-client`` with a Client class)
beside Swift ``fedwatt-client`` processes, and prints each round from the ledger.

    python run_mixed_job.py --bin .build/debug --client pytorch/torch_model.py:TorchModelClient \\
        --python-clients 2 --swift-clients 2 --out out/mixed -- --rounds 5 --model mlp

Python clients take ids 0 ..< P, Swift clients P ..< P + S. Everything after ``--`` goes to
``fedwatt-coordinator`` (``--min-clients`` is set to P + S). A job of an external model
(``--model external:NAME``) takes Python clients only (``--swift-clients 0``).
"""

import argparse
import sys
import time

from fedwatt_client.testing import LocalJob


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", required=True, help="folder with fedwatt-coordinator and fedwatt-client")
    parser.add_argument("--client", required=True, help="the Python Client class, FILE.py:CLASS or MODULE:CLASS")
    parser.add_argument("--python-clients", type=int, default=2)
    parser.add_argument("--swift-clients", type=int, default=2)
    parser.add_argument("--out", default="out/mixed-job")
    parser.add_argument("--timeout", type=float, default=900, help="seconds the whole job may take")
    parser.add_argument("coordinator_arguments", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    extra = [a for a in args.coordinator_arguments if a != "--"]
    total = args.python_clients + args.swift_clients
    started = time.monotonic()
    with LocalJob(args.bin, args.out, ["--min-clients", str(total), *extra]) as job:
        python = [job.start_python_client(client_id, args.client) for client_id in range(args.python_clients)]
        for client_id in range(args.python_clients, total):
            job.start_swift_client(client_id)
        status = job.wait(args.timeout)
        statuses = [p.wait(60) for p in python]
        ledger = job.ledger()
    seconds = time.monotonic() - started
    federated = any(record.get("evaluation") for record in ledger)
    if federated:
        print("test accuracy and loss: federated evaluation, of the model the round started from (the model after round - 1); "
              "FLOPs client-reported")
    print(f"{'round':>5} {'test acc':>8} {'test loss':>9} {'train loss':>10}  per-client train loss (python | swift)  FLOPs reported")
    for record in ledger:
        clients = sorted(record["clients"], key=lambda c: c["client"])
        losses = " ".join(f"{c['trainLoss']:.4f}" if c.get("trainLoss") is not None else "-" for c in clients)
        flops = " ".join(f"{c['flops']:.3g}" for c in clients)
        train, accuracy, loss = record.get("trainLoss"), record.get("testAccuracy"), record.get("testLoss")
        print(f"{record['round']:>5} {'-' if accuracy is None else f'{accuracy:.4f}':>8} {'-' if loss is None else f'{loss:.4f}':>9} "
              f"{'-' if train is None else f'{train:.4f}':>10}  {losses}  {flops}")
    completed = [r for r in ledger if r["status"] == "completed"]
    every = all(sorted(r["completed"]) == list(range(total)) for r in completed)
    print(f"{len(completed)} rounds completed, every client in every round: {every}; "
          f"coordinator exit {status}, Python clients exit {statuses}; {seconds:.1f} s")
    return 0 if status == 0 and all(s == 0 for s in statuses) and every else 1


if __name__ == "__main__":
    sys.exit(main())
