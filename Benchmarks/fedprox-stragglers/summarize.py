"""The FedProx straggler table from the ledgers run-fedprox-stragglers.sh wrote.

Usage: python3 summarize.py OUT   (OUT holds <stragglers>-<method>/ledger.jsonl)
"""

import json
import pathlib
import statistics
import sys

METHODS = [("fedavg", "FedAvg, stragglers dropped"), ("fedprox-mu0", "FedProx mu=0, partial work"),
           ("fedprox-mu1", "FedProx mu=1, partial work")]


def completed_rounds(directory):
    """The completed round records of one run, in order."""
    lines = (directory / "ledger.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return [r for r in records if r["status"] == "completed"], len(records)


def main(out):
    out = pathlib.Path(out)
    rows, curves = [], []
    for stragglers in (0, 50, 90):
        for method, label in METHODS:
            directory = out / f"{stragglers}-{method}"
            if not (directory / "ledger.jsonl").exists():
                continue
            done, attempts = completed_rounds(directory)
            accuracy = [r["testAccuracy"] for r in done]
            last = accuracy[-20:]
            aggregated = sum(len(r["completed"]) for r in done) / sum(len(r["selected"]) for r in done)
            partial = [c for r in done for c in r["clients"] if c.get("stepLimit") is not None]
            device = done[-1]["device"]["interval"]["end"]
            rows.append(f"| {stragglers}% | {label} | {accuracy[-1]:.4f} | {statistics.mean(last):.4f} | "
                        f"{statistics.pstdev(last):.4f} | {min(last):.4f} | {aggregated:.0%} | {len(partial)} | "
                        f"{attempts - len(done)} | {device:.2f} |")
            curves.append(f"| {stragglers}% | {label} | " + " | ".join(f"{accuracy[i - 1]:.3f}" for i in range(10, len(accuracy) + 1, 10)) + " |")
    print("| stragglers | method | final accuracy | mean, last 20 rounds | std, last 20 | min, last 20 | "
          "updates aggregated | partial updates | failed attempts | device seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    print()
    print("Test accuracy every 10 rounds:")
    print()
    print("| stragglers | method | " + " | ".join(f"r{10 * i}" for i in range(1, 11)) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in range(10)) + " |")
    print("\n".join(curves))


if __name__ == "__main__":
    main(sys.argv[1])
