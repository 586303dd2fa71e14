"""The organizer's test mail: it goes to the sender's own address and the command prints what
the server answered, or why it did not go."""

from mailkit import SENDER, closed_port, parse


def test_the_test_mail_prints_the_servers_answer(gh, smtp):
    gh.use_server(smtp.port)
    result = gh.run("settings", "test-mail")
    assert result.out.startswith(f"sent to {SENDER}; the server said: 250"), result
    assert "250 2.0.0 Ok: queued as 1" in result.out
    (stored,) = smtp.messages()
    assert stored.mail_from == SENDER and stored.rcpt_to == [SENDER]
    message = parse(stored.raw)
    assert message["Subject"] == "Guildhall test mail"
    assert message["To"].addresses[0].addr_spec == SENDER
    assert f"127.0.0.1:{smtp.port}" in message.get_content()
    # It is not an invitation: nothing is left in the outbox to send.
    assert gh.status().counts["queued"] == 0


def test_a_refused_test_mail_says_what_the_server_said(gh, smtp):
    gh.use_server(smtp.port, sender="Rust Group <reject-me@example.org>")
    result = gh.run("settings", "test-mail", expect=1)
    assert "not sent; the server said: 550 5.1.1 <reject-me@example.org>" in result.err, result
    assert smtp.count() == 0


def test_a_test_mail_without_a_server_says_so(gh):
    port = closed_port()
    gh.use_server(port)
    result = gh.run("settings", "test-mail", expect=1)
    assert f"Could not reach the mail server 127.0.0.1:{port}" in result.err, result
