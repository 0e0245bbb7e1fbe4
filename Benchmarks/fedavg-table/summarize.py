#!/usr/bin/env python3
"""Table 2 of McMahan et al. 2017 in FedWatt's runs: for each row and partition, the learning rate
that reached the target in the fewest rounds, its rounds (and the speedup over FedSGD), and the
uplink bytes, device joules and gCO2e the run had spent by then, read from each run's ledger.

Usage: summarize.py OUT TARGET MAX_ROUNDS   (the folder run-fedavg-table.sh wrote)
"""
import json
import pathlib
import sys

# Rows in the paper's order, with its MNIST CNN rounds to 99% (IID, non-IID) from Table 2.
ROWS = [
    ("fedsgd", "FedSGD", 1, "∞", (626, 483)),
    ("fedavg-e5-binf", "FedAvg", 5, "∞", (179, 1000)),
    ("fedavg-e1-b50", "FedAvg", 1, "50", (65, 600)),
    ("fedavg-e1-b10", "FedAvg", 1, "10", (34, 350)),
    ("fedavg-e5-b10", "FedAvg", 5, "10", (20, 229)),
    ("fedavg-e20-b10", "FedAvg", 20, "10", (18, 173)),
]
PARTITIONS = [("iid", "IID"), ("shards", "non-IID (shards:2)")]


def first_reaching(ledger, target):
    """The first completed round record at or above ``target``, or None."""
    for line in ledger.read_text().splitlines():
        record = json.loads(line)
        if record["status"] == "completed" and record["testAccuracy"] >= target:
            return record
    return None


def best_run(out, partition, row, target):
    """(lr, record, rounds run) of the run that reached ``target`` in the fewest rounds, or the
    learning rates tried when none did."""
    reached, tried = [], []
    for run in sorted(out.glob(f"{partition}-{row}-lr*")):
        ledger = run / "ledger.jsonl"
        if not (run / "summary.json").exists() or not ledger.exists():
            continue
        lr = run.name.split("-lr")[-1]
        tried.append(lr)
        record = first_reaching(ledger, target)
        if record is not None:
            reached.append((record["round"], record["energy"]["cumulativeJoules"], lr, record))
    if not reached:
        return None, tried
    reached.sort(key=lambda item: (item[0], item[1]))
    return reached[0], tried


def main():
    out, target, max_rounds = pathlib.Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    print(f"Rounds to {target:.2f} test accuracy (at most {max_rounds}); best learning rate of each cell's grid; "
          "bytes, joules and gCO2e spent up to that round. The paper's MNIST CNN rounds to 99% beside.\n")
    header = "| method | E | B | " + " | ".join(
        f"{name}: rounds (speedup) | lr | uplink MB | device J | gCO2e | paper" for _, name in PARTITIONS) + " |"
    print(header)
    print("|" + " --- |" * (3 + 6 * len(PARTITIONS)))
    fedsgd_rounds = {}
    for row, method, epochs, batch, paper in ROWS:
        cells = []
        for index, (partition, _) in enumerate(PARTITIONS):
            best, tried = best_run(out, partition, row, target)
            if best is None:
                reason = f"not reached (lr {', '.join(tried)})" if tried else "not run"
                cells.append(f"{reason} | | | | | {paper[index]}")
                continue
            rounds, joules, lr, record = best
            if row == "fedsgd":
                fedsgd_rounds[partition] = rounds
            speedup = f" ({fedsgd_rounds[partition] / rounds:.1f}x)" if partition in fedsgd_rounds else ""
            cells.append(f"{rounds}{speedup} | {lr} | {record['cumulativeUplinkBytes'] / 1e6:.1f} | {joules:.0f} | "
                         f"{record['energy']['cumulativeGramsCO2e']:.3f} | {paper[index]}")
        print(f"| {method} | {epochs} | {batch} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
