"""Import speed: a 100k-row member CSV through the `guildhall` CLI, as a whole process, against
the sqlite3 shell loading the same file into Guildhall's own schema (every index, emails
deduplicated by an upsert in SQL, tags split into their table; no validation, no search keys
folded in Rust), in the same run. That is the fair limit: the target is at most 1.5x of it.
The shell's `.import` into a bare one-column-per-field table is printed too, as information
(the near-physical limit of writing the bytes). Prints the medians and ratios; asserts nothing.

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


# The shell's share of Guildhall's import, in SQL: the file lands in a staging table, one
# upsert per row keyed by the folded email (Guildhall's dedupe), the tags into member_tag. The
# import connection runs with triggers off, so the baseline drops them (it has no switch), and
# with a 128 MiB page cache, which the baseline gets too.
FAIR_LOAD = """
.bail on
PRAGMA cache_size = -131072;
.mode csv
.import --csv {data} staging
DROP TRIGGER IF EXISTS change_member_insert;
DROP TRIGGER IF EXISTS change_member_update;
DROP TRIGGER IF EXISTS change_member_delete;
BEGIN;
INSERT INTO member (id, name, email, email_key, phone, joined_on, source, check_in_code,
                    name_key, search_text, created_at, updated_at)
  SELECT 'mem_' || lower(hex(randomblob(8))), Name, Email, lower(trim(Email)), Phone,
         "Member since", 'csv', upper(hex(randomblob(5))), lower(Name),
         lower(Name || ' ' || Email || ' ' || Tags),
         strftime('%Y-%m-%dT%H:%M:%SZ'), strftime('%Y-%m-%dT%H:%M:%SZ')
  FROM staging WHERE true
  ON CONFLICT (email_key) WHERE email_key IS NOT NULL DO UPDATE
    SET name = excluded.name, phone = excluded.phone, updated_at = excluded.updated_at;
INSERT OR IGNORE INTO member_tag (member_id, tag)
  SELECT m.id, trim(t.value)
  FROM staging s JOIN member m ON m.email_key = lower(trim(s.Email)),
       json_each('["' || replace(s.Tags, ', ', '","') || '"]') t;
DROP TABLE staging;
COMMIT;
"""


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
        # An empty database in Guildhall's current schema, made by Guildhall itself.
        empty = tmp / "empty"
        subprocess.run(
            [str(guildhall), "--data-dir", str(empty), "search", "nobody"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        schema = empty / "guildhall.sqlite3"
        ours, baseline, bare = [], [], []
        for run in range(RUNS):
            db = tmp / f"bare-{run}.sqlite3"
            bare.append(
                timed([sqlite3, str(db)], input=f".mode csv\n.import {data} members\n".encode())
            )
            fair = tmp / f"fair-{run}.sqlite3"
            shutil.copy(schema, fair)
            baseline.append(timed([sqlite3, str(fair)], input=FAIR_LOAD.format(data=data).encode()))
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
        # The baseline did the same work: every member and every tag is there.
        counts = subprocess.run(
            [sqlite3, str(tmp / "fair-0.sqlite3"),
             "SELECT (SELECT count(*) FROM member), (SELECT count(*) FROM member_tag)"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
        if counts != f"{rows}|{2 * rows}":
            sys.exit(f"import bench: the baseline loaded {counts} (members|tags), not {rows}|{2 * rows}")
    o, b, raw = statistics.median(ours), statistics.median(baseline), statistics.median(bare)
    print(f"import bench: {rows} rows ({size:.1f} MB CSV), median of {RUNS} runs")
    print(f"  guildhall import members (whole process)        {o:7.3f} s")
    print(f"  sqlite3 into Guildhall's schema (upsert, tags)  {b:7.3f} s")
    print(f"  sqlite3 .import into a bare table (information) {raw:7.3f} s")
    print(f"  ratio {o / b:.2f}x (target <= 1.5x: {'met' if o / b <= 1.5 else 'NOT met'})")
    print(f"  against the bare table: {o / raw:.2f}x (information)")


if __name__ == "__main__":
    main()
