"""Invitations end to end: the `guildhall` command line queues and sends them to a real SMTP
server (tests/servers/smtp_server.py, aiosmtpd) on 127.0.0.1, and what arrives is read by
parsers we did not write. Run from the repository root (`make test-mail` installs what they
need first):

    .venv/bin/pytest tests/mail

Each test gets a fresh data folder and a server of its own on a free port, stopped after it; the
same for the IMAP server (Dovecot, tests/servers/imap_server.py) where a test asks for `imap`."""

import os
import subprocess
from pathlib import Path

import pytest

from mailkit import DEBUG_BIN, READ_ITIP, ROOT, Guildhall, ImapServer, SmtpServer


@pytest.fixture(scope="session")
def binary() -> Path:
    """The CLI, built once per run (cargo does nothing when it is up to date); GUILDHALL_BIN
    names another build to test instead (a release build, say)."""
    if not (READ_ITIP.parent / "node_modules" / "ical.js").is_dir():
        pytest.fail("ical.js is not installed: run `make interop-js-deps`", pytrace=False)
    if os.environ.get("GUILDHALL_BIN"):
        return Path(os.environ["GUILDHALL_BIN"]).resolve()
    subprocess.run(["cargo", "build", "--quiet", "-p", "guildhall-cli"], cwd=ROOT, check=True)
    assert DEBUG_BIN.is_file()
    return DEBUG_BIN


@pytest.fixture
def gh(binary: Path, tmp_path: Path) -> Guildhall:
    """`guildhall` on a fresh data folder."""
    return Guildhall(binary, tmp_path / "data")


@pytest.fixture
def smtp(tmp_path: Path):
    """The test SMTP server, storing what it accepts in tmp_path/smtp."""
    server = SmtpServer(tmp_path / "smtp")
    yield server
    server.stop()


@pytest.fixture
def imap(tmp_path: Path):
    """The test IMAP server (Dovecot) with one user, organizer@example.org (`imap.user`,
    `imap.password`); its configuration and logs in tmp_path/imap."""
    server = ImapServer(tmp_path / "imap")
    yield server
    server.stop()
