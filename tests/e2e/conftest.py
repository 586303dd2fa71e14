"""End-to-end tests: the real app under Xvfb (see harness.py). Each test gets its own temp
data folder; a failed test leaves screenshots of its windows in target/e2e-artifacts/."""

import subprocess
import sys
from pathlib import Path

import pytest

from harness import ROOT, Launcher, free_port

ARTIFACTS = ROOT / "target" / "e2e-artifacts"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_call = report.failed
    return report


@pytest.fixture
def launcher(tmp_path: Path, request):
    """The Launcher itself, for tests that need its processes."""
    launcher = Launcher(tmp_path)
    yield launcher
    if getattr(request.node, "failed_call", False):
        launcher.screenshots(ARTIFACTS, request.node.name)
    launcher.stop_all()


@pytest.fixture
def launch(launcher):
    """Starts Guildhall on this test's data folder; call again after `close()` to reopen."""
    return launcher.launch


@pytest.fixture
def smtp(tmp_path: Path):
    """A real SMTP server on 127.0.0.1 (tests/servers/smtp_server.py): (port, the folder where
    each mail it takes is kept as N.eml)."""
    out = tmp_path / "smtp"
    out.mkdir()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/servers/smtp_server.py"), "--port", str(port), "--out", str(out)],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    assert line.startswith("READY"), line
    yield port, out
    proc.terminate()
    proc.wait(timeout=10)
