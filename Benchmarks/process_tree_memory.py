"""Runs a command and samples the resident memory of it and of every process it starts.

Every --interval seconds (0.05 by default) it sums VmRSS over the command's whole process tree, and
PSS too (the proportional set size: a page shared by N processes counts 1/N in each, so libraries and
shared memory are not counted N times), and keeps each peak with the processes behind it. Between
samples a process may peak and fall back, so it also keeps each process's own peak as the kernel
counts it (VmHWM, as last read) and sums those: a bound from above that no sampling gap can miss.
It makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so processes that detach
(daemons, Ray's helpers) are re-parented to it and still counted, and it runs the command at a
niceness 5 above its own, so that a busy command does not starve the sampling. When the command exits it
waits up to --linger seconds for the rest of the tree, then kills what is left and names it.

Writes JSON to --out (and prints it): the peaks in KiB, the processes at the RSS peak, how many
samples were taken, the command's wall time and exit status; exits with that status.

Usage: python process_tree_memory.py [--interval S] [--out FILE] -- COMMAND [ARGUMENT ...]
"""

import argparse
import ctypes
import json
import os
import signal
import subprocess
import time

PR_SET_CHILD_SUBREAPER = 36


def parents():
    """Every process's parent, from /proc/PID/stat (the name in parentheses may hold spaces)."""
    result = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as file:
                stat = file.read()
        except OSError:
            continue
        result[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
    return result


def descendants(root):
    """The processes below ``root``, root excluded."""
    children = {}
    for pid, parent in parents().items():
        children.setdefault(parent, []).append(pid)
    found, frontier = [], [root]
    while frontier:
        for child in children.get(frontier.pop(), []):
            found.append(child)
            frontier.append(child)
    return found


def memory(pid):
    """``(name, RSS KiB, PSS KiB, VmHWM KiB)`` of ``pid``, or None once it is gone (a zombie has none)."""
    try:
        with open(f"/proc/{pid}/status") as file:
            status = dict(line.split(":", 1) for line in file)
        with open(f"/proc/{pid}/smaps_rollup") as file:
            pss = next(int(line.split()[1]) for line in file if line.startswith("Pss:"))
        return status["Name"].strip(), int(status["VmRSS"].split()[0]), pss, int(status["VmHWM"].split()[0])
    except (OSError, KeyError, StopIteration, ValueError):
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between samples")
    parser.add_argument("--linger", type=float, default=30, help="seconds to wait for the tree after the command exits")
    parser.add_argument("--out", help="also write the JSON here")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGUMENT ...]")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit(f"prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(ctypes.get_errno())}")
    me = os.getpid()
    start = time.monotonic()
    child = subprocess.Popen(command, preexec_fn=lambda: os.nice(5))
    status, ended, samples = None, None, 0
    peak_rss, peak_pss, at_peak, own_peaks = 0, 0, [], {}
    while True:
        tree = [(pid, usage) for pid in descendants(me) if (usage := memory(pid)) is not None]
        samples += 1
        rss, pss = sum(usage[1] for _, usage in tree), sum(usage[2] for _, usage in tree)
        if rss > peak_rss:
            peak_rss, at_peak = rss, sorted(((usage[0], pid, usage[1]) for pid, usage in tree), key=lambda entry: -entry[2])
        peak_pss = max(peak_pss, pss)
        for pid, usage in tree:
            own_peaks[pid] = max(own_peaks.get(pid, 0), usage[3])
        # Reap the command and whatever was re-parented here and has exited.
        while True:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid == child.pid:
                status, ended = os.waitstatus_to_exitcode(wait_status), time.monotonic()
        if status is not None and (not tree or time.monotonic() - ended > args.linger):
            break
        time.sleep(args.interval)
    left = [(usage[0], pid) for pid, usage in tree]
    for _, pid in left:
        os.kill(pid, signal.SIGKILL)
    result = {
        "command": command, "exit_status": status, "wall_seconds": ended - start, "samples": samples,
        "peak_rss_kib": peak_rss, "peak_pss_kib": peak_pss, "summed_own_peaks_kib": sum(own_peaks.values()),
        "at_rss_peak": [{"process": name, "pid": pid, "rss_kib": rss} for name, pid, rss in at_peak],
        "killed_after_linger": [{"process": name, "pid": pid} for name, pid in left],
    }
    text = json.dumps(result)
    print(text)
    if args.out:
        with open(args.out, "w") as file:
            file.write(text + "\n")
    raise SystemExit(status)


if __name__ == "__main__":
    main()
