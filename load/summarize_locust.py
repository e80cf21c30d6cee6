"""Prints locust's CSV statistics as a short table: requests/s, p50/p95/p99, failures.

usage: summarize_locust.py STATS_CSV [FAILURES_CSV]
"""

import csv
import sys


def main(stats_path, failures_path=None):
    with open(stats_path, newline="") as f:
        rows = list(csv.DictReader(f))
    header = f"{'request':<28}{'count':>9}{'fail':>7}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        name = "TOTAL" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(
            f"{name[:27]:<28}{row['Request Count']:>9}{row['Failure Count']:>7}"
            f"{float(row['Requests/s']):>9.1f}{row['50%']:>9}{row['95%']:>9}{row['99%']:>9}"
        )
    if failures_path:
        try:
            with open(failures_path, newline="") as f:
                failures = list(csv.DictReader(f))
        except FileNotFoundError:
            failures = []
        for failure in failures:
            print(f"FAILED {failure['Occurrences']}x {failure['Method']} {failure['Name']}: {failure['Error'][:300]}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
