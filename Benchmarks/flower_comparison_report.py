"""The side-by-side table of Benchmarks/run-flower-comparison.sh, from the files its run left in WORK:
FedWatt's ledger, Flower's results (flower_fedavg.py) and both memory samples (process_tree_memory.py).

Host time per round: FedWatt's from its ledger (the seconds from round 1's opening to the end of each
round's evaluation, differenced), Flower's from its server-side evaluations (the end of the initial
one to the end of each round's). Client-rounds per host second count the clients asked each round,
over all rounds and over rounds 2 on (round 1 of Flower includes starting its actors).

Usage: python flower_comparison_report.py WORK
"""

import json
import sys


def load(path):
    with open(path) as file:
        return json.load(file)


def main(work):
    ledger = [json.loads(line) for line in open(f"{work}/fedwatt/ledger.jsonl") if line.strip()]
    flower = load(f"{work}/flower.json")
    memory = {"FedWatt": load(f"{work}/fedwatt-memory.json"), "Flower": load(f"{work}/flower-memory.json")}
    elapsed = [0.0] + [record["elapsedSeconds"] for record in ledger]
    per_round = {"FedWatt": [after - before for before, after in zip(elapsed, elapsed[1:])], "Flower": flower["round_seconds"]}
    accuracy = {"FedWatt": ledger[-1]["testAccuracy"], "Flower": flower["accuracy"][-1]}
    asked = [len(record["selected"]) for record in ledger]
    rate = {name: sum(asked) / sum(seconds) for name, seconds in per_round.items()}
    later = {name: sum(asked[1:]) / sum(seconds[1:]) for name, seconds in per_round.items()}
    rss = {name: sample["peak_rss_kib"] / 1024 for name, sample in memory.items()}
    pss = {name: sample["peak_pss_kib"] / 1024 for name, sample in memory.items()}
    own = {name: sample["summed_own_peaks_kib"] / 1024 for name, sample in memory.items()}
    rows = [
        ("final test accuracy", "{:.4f}", accuracy, f"{100 * (accuracy['FedWatt'] - accuracy['Flower']):+.2f} pp"),
        ("accuracy each round", "{}", {"FedWatt": " ".join(f"{r['testAccuracy']:.4f}" for r in ledger),
                                       "Flower": " ".join(f"{a:.4f}" for a in flower["accuracy"])}, ""),
        ("host s per round", "{}", {name: " ".join(f"{s:.2f}" for s in seconds) for name, seconds in per_round.items()}, ""),
        ("client-rounds per host s", "{:.1f}", rate, f"FedWatt {rate['FedWatt'] / rate['Flower']:.1f}x"),
        ("  the same, rounds 2 on", "{:.1f}", later, f"FedWatt {later['FedWatt'] / later['Flower']:.1f}x"),
        ("whole run, wall s", "{:.1f}", {name: sample["wall_seconds"] for name, sample in memory.items()}, ""),
        ("peak summed RSS, MiB", "{:.0f}", rss, f"FedWatt {rss['FedWatt'] / rss['Flower']:.2f} of Flower's"),
        ("peak summed PSS, MiB", "{:.0f}", pss, f"FedWatt {pss['FedWatt'] / pss['Flower']:.2f} of Flower's"),
        ("sum of each process's peak (VmHWM), MiB", "{:.0f}", own, f"FedWatt {own['FedWatt'] / own['Flower']:.2f} of Flower's"),
        ("memory samples", "{}", {name: sample["samples"] for name, sample in memory.items()}, ""),
    ]
    print(f"| | FedWatt | Flower | |\n| --- | --- | --- | --- |")
    for label, form, values, ratio in rows:
        print(f"| {label} | {form.format(values['FedWatt'])} | {form.format(values['Flower'])} | {ratio} |")
    same = [record["selected"] for record in ledger] == flower["selected"]
    print(f"\nThe same clients in every round: {'yes' if same else 'no'}")
    for name, sample in memory.items():
        processes = ", ".join(f"{p['process']} {p['rss_kib'] / 1024:.0f}" for p in sample["at_rss_peak"])
        print(f"{name} at its RSS peak (MiB): {processes}")
        if sample["killed_after_linger"]:
            print(f"{name} left running after the command, killed: {sample['killed_after_linger']}")


if __name__ == "__main__":
    main(sys.argv[1])
