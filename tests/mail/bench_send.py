"""Invitation speed: 1,000 invitations rendered, queued and sent by the `guildhall` CLI, against
Python's smtplib sending the same 1,000 ready-made messages, in the same run, to the same test
SMTP server (tests/servers/smtp_server.py --discard: it answers every message and stores
nothing, so the disk is not what is measured).

- baseline: one smtplib connection, `sendmail` for each message, one after another; the
  messages are the very bytes Guildhall sent (read from its outbox), so they are of the same
  size, and smtplib does nothing but SMTP with them;
- guildhall: `guildhall invite WKS --all` (each member's mail rendered: text, HTML, iTIP
  calendar, QR code; written to the outbox) plus `guildhall outbox send` (up to 3 connections;
  every claim and every answer committed with synchronous=FULL), each as a whole process; the
  rate is N / (queue time + send time).

Target: Guildhall at least 2x the baseline's rate. The server is one Python process: its own CPU
time per message (read from /proc while the baseline runs) bounds what any client can reach
against it, so the bench prints that ceiling too. Median of 3 runs, each on a fresh data
folder; prints the rates and the ratio, asserts nothing (it exits non-zero only when a run did
not send everything). Not a test: pytest does not collect it.

Usage: python tests/mail/bench_send.py path/to/guildhall [N]
"""

from __future__ import annotations

import csv
import select
import smtplib
import sqlite3
import statistics
import subprocess
import sys
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "tests" / "servers" / "smtp_server.py"
RUNS = 3
SENDER = "group@example.org"
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Guildhall bench//EN\r\nBEGIN:VEVENT\r\n"
    "UID:bench@guildhall.test\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART;TZID=Europe/Berlin:20271110T180000\r\nDTEND;TZID=Europe/Berlin:20271110T200000\r\n"
    "SUMMARY:Rust workshop\r\nLOCATION:Kiezhaus, Raum 2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def start_server() -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", "0", "--discard"], stdout=subprocess.PIPE, cwd=ROOT
    )
    ready, _, _ = select.select([server.stdout], [], [], 60)
    line = server.stdout.readline().decode() if ready else ""
    if not line.startswith("READY "):
        server.kill()
        sys.exit(f"the SMTP server did not start: {line!r}")
    return server, int(line.split()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def guildhall(binary: str, data: Path, *args: str) -> str:
    done = subprocess.run([binary, "--data-dir", str(data), *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"guildhall {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare(binary: str, data: Path, n: int, port: int) -> str:
    files = data.parent
    members = files / "members.csv"
    with members.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "email", "tags", "email_consent"])
        for i in range(n):
            w.writerow([f"Member Nummer {i:04d}", f"member{i:04d}@example.org", "rust, sql", "yes"])
    (files / "workshop.ics").write_text(ICS)
    guildhall(binary, data, "import", "members", str(members))
    guildhall(binary, data, "import", "calendar", str(files / "workshop.ics"))
    guildhall(binary, data, "settings", "smtp", "--host", "127.0.0.1", "--port", str(port),
              "--security", "none", "--from", f"Rust Group <{SENDER}>")
    db = sqlite3.connect(data / "guildhall.sqlite3")
    ((workshop,),) = db.execute("SELECT id FROM workshop").fetchall()
    db.close()
    return workshop


def run_guildhall(binary: str, data: Path, workshop: str, n: int) -> tuple[float, float]:
    t0 = time.perf_counter()
    queued = guildhall(binary, data, "invite", workshop, "--all")
    t1 = time.perf_counter()
    sent = guildhall(binary, data, "outbox", "send")
    t2 = time.perf_counter()
    if not queued.startswith(f"queued {n} mails to {n} people") or not sent.startswith(f"sent {n}, failed 0, unknown 0"):
        sys.exit(f"guildhall did not queue and send {n} mails:\n{queued}{sent}")
    return t1 - t0, t2 - t1


def outbox_messages(data: Path) -> list[tuple[str, str, bytes]]:
    db = sqlite3.connect(data / "guildhall.sqlite3")
    rows = db.execute("SELECT sender, recipient, message FROM outbox WHERE status = 'sent' ORDER BY created_at, id").fetchall()
    db.close()
    return rows


def run_baseline(port: int, messages: list[tuple[str, str, bytes]]) -> float:
    t0 = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, recipient, message in messages:
            refused = smtp.sendmail(sender, [recipient], message)
            if refused:
                sys.exit(f"the baseline's mail was refused: {refused}")
    return time.perf_counter() - t0


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = str(Path(sys.argv[1]).resolve())
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    server, port = start_server()
    queue_times, send_times, baseline_times, server_cpu, sizes = [], [], [], [], []
    try:
        for _ in range(RUNS):
            with tempfile.TemporaryDirectory(prefix="guildhall-bench-send-") as tmp:
                data = Path(tmp) / "data"
                workshop = prepare(binary, data, n, port)
                queue, send = run_guildhall(binary, data, workshop, n)
                messages = outbox_messages(data)
                if len(messages) != n:
                    sys.exit(f"the outbox holds {len(messages)} sent mails, not {n}")
                sizes = [len(m) for _, _, m in messages]
                before = cpu_seconds(server.pid)
                baseline_times.append(run_baseline(port, messages))
                server_cpu.append((cpu_seconds(server.pid) - before) / n)
                queue_times.append(queue)
                send_times.append(send)
    finally:
        server.terminate()
        server.wait()

    base = statistics.median(baseline_times)
    ours = statistics.median(q + s for q, s in zip(queue_times, send_times))
    base_rate, our_rate = n / base, n / ours
    ratio = our_rate / base_rate
    print(f"sending {n} invitations (messages of {min(sizes)}-{max(sizes)} bytes), median of {RUNS} runs")
    print(f"  baseline  smtplib, 1 connection, ready-made messages: {base:.2f} s = {base_rate:.0f} msg/s")
    print(
        f"  guildhall invite (render + queue) {statistics.median(queue_times):.2f} s"
        f" + outbox send {statistics.median(send_times):.2f} s = {ours:.2f} s = {our_rate:.0f} msg/s"
    )
    print(f"            (outbox send alone: {n / statistics.median(send_times):.0f} msg/s)")
    per_message = statistics.median(server_cpu)
    if per_message > 0:
        ceiling = 1 / per_message
        print(
            f"  the server's own CPU time: {per_message * 1000:.2f} ms a message, so no client can send"
            f" faster than {ceiling:.0f} msg/s to it = {ceiling / base_rate:.2f}x the baseline"
            f" (guildhall reaches {our_rate / ceiling:.0%} of that)"
        )
    print(f"  ratio {ratio:.2f}x the baseline's rate (target >= 2x: {'met' if ratio >= 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
