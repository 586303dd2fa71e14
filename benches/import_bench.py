"""Import speed: a 100k-row member CSV through the `guildhall` CLI, as a whole process, against
the sqlite3 shell's `.import` of the same file into a bare table (the near-physical limit), in
the same run. Prints the medians and the ratio; asserts nothing.

Usage: python benches/import_bench.py path/to/guildhall [rows]
"""

from __future__ import annotations

import csv
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST = "Zoë Amara Lukas Mei Santiago Aoife Kwame Ingrid Ravi Élodie Tomasz Yuki Fatima Jonas Priya".split()
LAST = "Müller Okafor Nguyễn García O'Brien Kowalski Tanaka Haddad Larsen Dubois Mensah Rossi".split()
TAGS = ["rust", "python", "data science", "design", "testing", "devops", "writing", "mentoring"]
RUNS = 3


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(20261126)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Email", "Phone", "Tags", "Member since"])
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            w.writerow(
                [
                    f"{first} {last}",
                    f"member{i}@example.org",
                    f"+44 7700 9{i % 100000:05d}",
                    ", ".join(rng.sample(TAGS, 2)),
                    f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                ]
            )


def timed(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def main() -> None:
    guildhall = Path(sys.argv[1]).resolve()
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    sqlite3 = shutil.which("sqlite3")
    if sqlite3 is None:
        sys.exit("import bench: the sqlite3 shell is missing (apt-get install sqlite3)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "members.csv"
        write_csv(data, rows)
        size = data.stat().st_size / 1e6
        ours, baseline = [], []
        for run in range(RUNS):
            db = tmp / f"bare-{run}.sqlite3"
            baseline.append(
                timed([sqlite3, str(db)], input=f".mode csv\n.import {data} members\n".encode())
            )
            ours.append(
                timed(
                    [str(guildhall), "--data-dir", str(tmp / f"data-{run}"), "import", "members", str(data)]
                )
            )
        out = subprocess.run(
            [str(guildhall), "--data-dir", str(tmp / "data-0"), "search", "member99999@"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        if rows >= 100_000 and "member99999@example.org" not in out:
            sys.exit("import bench: the last row is not in the imported database")
    o, b = statistics.median(ours), statistics.median(baseline)
    print(f"import bench: {rows} rows ({size:.1f} MB CSV), median of {RUNS} runs")
    print(f"  guildhall import members (whole process)   {o:7.3f} s")
    print(f"  sqlite3 .import into a bare table          {b:7.3f} s")
    print(f"  ratio {o / b:.2f}x (target <= 1.5x: {'met' if o / b <= 1.5 else 'NOT met'})")


if __name__ == "__main__":
    main()
