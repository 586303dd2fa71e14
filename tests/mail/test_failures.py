"""Every kind of delivery failure ends in its own state, with words that say why, and leaves the
other mails of the batch alone: refused (550) → failed; busy (450) → retry; a connection cut
before the server's answer → unknown, never resent unless asked; no server at all → the mails
wait. The test server provokes each by the recipient's local part (tests/servers/smtp_server.py).
"""

import sqlite3
from collections import Counter

from mailkit import AcceptingServer, calendar, closed_port, vevent

UID = "fail@guildhall.test"
SUBJECT = "Invitation: Rust workshop"
UNKNOWN_WORDS = "The connection broke before the server confirmed this mail"
FINE = [f"ok{i}@example.org" for i in range(1, 6)]


def prepare(gh, port, addresses):
    gh.import_members([{"name": f"Member {a.split('@')[0]}", "email": a} for a in addresses])
    gh.import_calendar(calendar(vevent(UID, "20271110T180000", "20271110T200000")))
    gh.use_server(port)
    wks = gh.workshop_id(UID)
    queued = gh.invite(wks, "--all")
    assert (queued.mails, queued.people) == (len(addresses), len(addresses))
    return wks


def delivered(smtp) -> Counter:
    return Counter(r for m in smtp.messages() for r in m.rcpt_to)


def counts(**nonzero) -> dict:
    base = {"queued": 0, "sending": 0, "retry": 0, "sent": 0, "failed": 0, "unknown": 0, "cancelled": 0}
    base.update(nonzero)
    return base


def test_every_kind_of_failure_in_one_batch_ends_in_its_own_state(gh, smtp):
    odd = ["reject-x@example.org", "busy-x@example.org", "flaky-x@example.org", "drop-x@example.org", "dropkeep-x@example.org"]
    prepare(gh, smtp.port, FINE + odd)
    sent = gh.send(expect=1)
    assert sent.out.strip() == "sent 5, failed 1, unknown 2; waiting to retry 2, still queued 0", sent
    assert "`guildhall outbox status` lists the mails that did not go" in sent.err

    status = gh.status()
    assert status.counts == counts(sent=5, failed=1, unknown=2, retry=2)
    assert sorted(p[2] for p in status.problems) == sorted(odd)
    by = {p[2]: p for p in status.problems}
    assert by["reject-x@example.org"][0] == "failed"
    assert by["reject-x@example.org"][3] == (
        f"{SUBJECT}: 550 5.1.1 <reject-x@example.org>: Recipient address rejected: no such user"
    )
    assert by["busy-x@example.org"][0] == "retry"
    assert by["busy-x@example.org"][3].startswith(f"{SUBJECT}: ")
    assert "450 4.2.1 <busy-x@example.org>: Mailbox busy, try again later" in by["busy-x@example.org"][3]
    assert by["flaky-x@example.org"][0] == "retry"
    assert "450 4.3.2 <flaky-x@example.org>: Not now, try again later" in by["flaky-x@example.org"][3]
    for cut in ("drop-x@example.org", "dropkeep-x@example.org"):
        assert by[cut][0] == "unknown"
        assert UNKNOWN_WORDS in by[cut][3] and "may or may not have arrived" in by[cut][3]

    # At the server: each fine mail once, the kept one once, nothing of the others.
    assert delivered(smtp) == Counter({**{a: 1 for a in FINE}, "dropkeep-x@example.org": 1})

    # Sending again now: nothing is due (the retries wait a minute, unknown waits to be asked).
    again = gh.send(expect=1)
    assert again.out.strip() == "sent 0, failed 0, unknown 0; waiting to retry 2, still queued 0", again
    assert delivered(smtp) == Counter({**{a: 1 for a in FINE}, "dropkeep-x@example.org": 1})
    assert gh.status().counts == counts(sent=5, failed=1, unknown=2, retry=2)


def test_a_refused_mail_fails_with_the_servers_words_and_the_others_go(gh, smtp):
    prepare(gh, smtp.port, ["ok1@example.org", "reject-me@example.org", "ok2@example.org"])
    result = gh.send(expect=1)
    assert result.out.strip() == "sent 2, failed 1, unknown 0; waiting to retry 0, still queued 0"
    status = gh.status()
    assert status.counts == counts(sent=2, failed=1)
    (problem,) = status.problems
    assert problem[0] == "failed" and problem[2] == "reject-me@example.org"
    assert problem[3] == f"{SUBJECT}: 550 5.1.1 <reject-me@example.org>: Recipient address rejected: no such user"
    assert delivered(smtp) == Counter({"ok1@example.org": 1, "ok2@example.org": 1})
    # `outbox retry` (without --failed) is about unknown mails: the failed one stays failed.
    assert gh.run("outbox", "retry").out.strip() == "queued again: 0"
    assert gh.status().counts == counts(sent=2, failed=1)


def test_a_busy_mailbox_waits_for_a_retry(gh, smtp):
    prepare(gh, smtp.port, ["busy-bee@example.org", "ok1@example.org"])
    result = gh.send(expect=1)
    assert result.out.strip() == "sent 1, failed 0, unknown 0; waiting to retry 1, still queued 0"
    status = gh.status()
    assert status.counts == counts(sent=1, retry=1)
    (problem,) = status.problems
    assert problem[:1] == ("retry",) and problem[2] == "busy-bee@example.org"
    assert "450 4.2.1 <busy-bee@example.org>: Mailbox busy, try again later" in problem[3]
    ((attempts, due, updated),) = gh.query(
        "SELECT attempts, next_attempt_at, updated_at FROM outbox WHERE recipient = 'busy-bee@example.org'"
    )
    assert attempts == 1 and due > updated, "due again later, not now"
    assert delivered(smtp) == Counter({"ok1@example.org": 1})


def test_a_flaky_server_gets_the_mail_once_when_the_retry_falls_due(gh, smtp):
    prepare(gh, smtp.port, ["flaky-fox@example.org", "ok1@example.org"])
    gh.send(expect=1)
    status = gh.status()
    assert status.counts == counts(sent=1, retry=1)
    (problem,) = status.problems
    assert problem[0] == "retry" and problem[2] == "flaky-fox@example.org"
    assert "450 4.3.2 <flaky-fox@example.org>: Not now, try again later" in problem[3]
    assert delivered(smtp) == Counter({"ok1@example.org": 1})

    # The backoff is a minute; instead of waiting, the test moves the due time into the past
    # (as if the minute had gone by) while no sender runs.
    db = sqlite3.connect(gh.data / "guildhall.sqlite3")
    with db:
        db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00Z' WHERE status = 'retry'")
    db.close()
    result = gh.send()
    assert result.out.strip() == "sent 1, failed 0, unknown 0; waiting to retry 0, still queued 0"
    assert gh.status().counts == counts(sent=2)
    assert delivered(smtp) == Counter({"ok1@example.org": 1, "flaky-fox@example.org": 1})
    assert gh.query("SELECT attempts FROM outbox WHERE recipient = 'flaky-fox@example.org'") == [(2,)]


def test_a_dropped_mail_is_unknown_and_sent_again_only_when_asked(gh, smtp):
    prepare(gh, smtp.port, ["drop-it@example.org", "ok1@example.org", "ok2@example.org"])
    result = gh.send(expect=1)
    assert result.out.strip() == "sent 2, failed 0, unknown 1; waiting to retry 0, still queued 0"
    status = gh.status()
    assert status.counts == counts(sent=2, unknown=1)
    (problem,) = status.problems
    assert problem[0] == "unknown" and problem[2] == "drop-it@example.org"
    assert UNKNOWN_WORDS in problem[3]
    assert delivered(smtp) == Counter({"ok1@example.org": 1, "ok2@example.org": 1})

    # Not resent by another run: it may have arrived.
    gh.send()
    assert gh.status().counts == counts(sent=2, unknown=1)
    assert delivered(smtp) == Counter({"ok1@example.org": 1, "ok2@example.org": 1})

    # The organizer checked and asks for it again; by then the recipient's server works.
    ((message_id,),) = gh.query("SELECT message_id FROM outbox WHERE recipient = 'drop-it@example.org'")
    accepting = AcceptingServer()
    try:
        gh.use_server(accepting.port)
        assert gh.run("outbox", "retry").out.strip() == "queued again: 1"
        result = gh.send()
        assert result.out.strip() == "sent 1, failed 0, unknown 0; waiting to retry 0, still queued 0"
        gh.send()
    finally:
        accepting.stop()
    (got,) = accepting.received
    assert got.rcpt_to == ["drop-it@example.org"]
    assert got.message["Message-ID"] == f"<{message_id}>", "the same mail, not a new one"
    assert gh.status().counts == counts(sent=3)
    assert delivered(smtp) == Counter({"ok1@example.org": 1, "ok2@example.org": 1})


def test_a_mail_stored_before_the_cut_is_unknown_and_there_once(gh, smtp):
    prepare(gh, smtp.port, ["dropkeep-it@example.org", "ok1@example.org"])
    gh.send(expect=1)
    status = gh.status()
    assert status.counts == counts(sent=1, unknown=1)
    (problem,) = status.problems
    assert problem[0] == "unknown" and problem[2] == "dropkeep-it@example.org"
    assert UNKNOWN_WORDS in problem[3]
    gh.send()
    assert delivered(smtp) == Counter({"ok1@example.org": 1, "dropkeep-it@example.org": 1})


def test_no_server_leaves_every_mail_waiting_with_a_clear_message(gh, smtp):
    port = closed_port()
    addresses = FINE
    prepare(gh, port, addresses)
    result = gh.send(expect=1)
    message = f"Could not reach the mail server 127.0.0.1:{port}"
    assert message in result.err, result
    status = gh.status()
    c = status.counts
    assert c["sent"] == c["failed"] == c["unknown"] == c["sending"] == 0
    assert c["retry"] + c["queued"] == len(addresses)
    assert 1 <= c["retry"] <= 3, "one try per connection at most"
    assert len(status.problems) == c["retry"]
    for state, _, _, text in status.problems:
        assert state == "retry" and message in text
    assert smtp.count() == 0

    # Once the server is there, the queued ones go; the ones that tried wait their minute.
    gh.use_server(smtp.port)
    later = gh.send(expect=1)
    assert later.out.strip() == f"sent {c['queued']}, failed 0, unknown 0; waiting to retry {c['retry']}, still queued 0"
    assert sum(delivered(smtp).values()) == c["queued"]
    assert max(delivered(smtp).values()) == 1
