"""Exactly once, even after `kill -9`: a sender killed in the middle of 1,000 invitations, then a
second run to the end. Nobody gets a mail twice; the only ones that may be missing are those the
outbox shows as unknown (at most one per connection: the mails in flight when it died)."""

import os
import signal
import time
from collections import Counter

from mailkit import READY_WITHIN, calendar, vevent

UID = "thousand@guildhall.test"
N = 1000
KILL_AT = 300
# A guard against hanging (the sender died or stalled before reaching KILL_AT), not a speed
# measure.
GIVE_UP_AFTER = 600


def test_a_sender_killed_mid_batch_sends_nothing_twice(gh, smtp, tmp_path):
    addresses = [f"member{i:04d}@example.org" for i in range(N)]
    gh.import_members([{"name": f"Member {i:04d}", "email": a} for i, a in enumerate(addresses)])
    gh.import_calendar(calendar(vevent(UID, "20271110T180000", "20271110T200000")))
    gh.use_server(smtp.port)
    queued = gh.invite(gh.workshop_id(UID), "--all")
    assert (queued.mails, queued.people) == (N, N)

    with (tmp_path / "first.out").open("wb") as out, (tmp_path / "first.err").open("wb") as err:
        first = gh.popen("outbox", "send", stdout=out, stderr=err)
        give_up = time.monotonic() + GIVE_UP_AFTER
        while smtp.count() < KILL_AT:
            assert first.poll() is None, f"the sender ended before it was killed: {(tmp_path / 'first.err').read_text()}"
            assert time.monotonic() < give_up, f"the server has only {smtp.count()} mails"
            time.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait(timeout=READY_WITHIN) == -signal.SIGKILL

    at_kill = smtp.count()
    assert at_kill < N, "killed before the end"
    cut = gh.status().counts
    assert cut["queued"] > 0, "mails were left to send"
    assert cut["sending"] <= 3, "at most one mail in flight per connection"
    assert cut["sent"] + cut["sending"] + cut["queued"] == N

    # The restarted sender says how many mails it found cut off, and exits 1 when there were
    # any (they are unknown, not sent).
    second = gh.send(expect=None)
    assert second.code == (1 if cut["sending"] else 0), second
    if cut["sending"]:
        assert f"{cut['sending']} mails were being handed to the server" in second.err, second
    status = gh.status()
    c = status.counts
    assert second.out.startswith(f"sent {c['sent'] - cut['sent']}, failed 0, "), second
    assert c["queued"] == c["sending"] == c["retry"] == c["failed"] == c["cancelled"] == 0, status
    assert c["sent"] + c["unknown"] == N
    assert c["unknown"] <= 3
    assert c["unknown"] == cut["sending"], "exactly the mails in flight at the kill are unknown"
    unknown = {p[2] for p in status.problems}
    assert len(unknown) == c["unknown"]
    for state, _, _, text in status.problems:
        assert state == "unknown"
        assert "Guildhall stopped while this mail was being handed to the mail server" in text

    got = Counter(r for m in smtp.messages() for r in m.rcpt_to)
    assert all(len(m.rcpt_to) == 1 for m in smtp.messages())
    twice = {a: n for a, n in got.items() if n > 1}
    assert not twice, f"sent twice: {twice}"
    missing = set(addresses) - set(got)
    assert missing <= unknown, f"missing and not shown as unknown: {missing - unknown}"
    assert set(got) <= set(addresses)
    assert len(got) == N - len(missing)
