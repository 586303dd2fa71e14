"""Upgrades through the real window: a database made by Guildhall's first schema, holding two
members who share a profile address (which once made the upgrade fail and the app unusable),
opens; the organizer is told once what changed and where the copy from before is; a damaged
file gets a page that says it is damaged and how to restore."""

import sqlite3
import time

from harness import ROOT, Guildhall

SHOTS = ROOT / "target" / "e2e-artifacts" / "layout"
MEMBER = (
    "INSERT INTO member (id, name, email, email_key, check_in_code, name_key, search_text,"
    " profile_url, created_at, updated_at) VALUES (?, ?, ?, lower(?), ?, lower(?), lower(?),"
    " 'https://www.meetup.com/x/members/7/', ?, ?)"
)


def made_by_version_1(data_dir) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(data_dir / "guildhall.sqlite3")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript((ROOT / "migrations" / "0001_members.sql").read_text(encoding="utf-8"))
    for id_, name, email, code, updated in [
        ("mem_A1", "Ada Lovelace", "ada@example.org", "AAAA1111", "2025-01-01T00:00:00Z"),
        ("mem_B2", "Ada King", "ada.king@example.org", "BBBB2222", "2025-06-01T00:00:00Z"),
    ]:
        conn.execute(MEMBER, (id_, name, email, email, code, name, name, updated, updated))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def test_a_first_version_database_opens_and_the_organizer_is_told_what_changed(launch, tmp_path):
    made_by_version_1(tmp_path / "data")
    app: Guildhall = launch()
    notes = app.wait_text('[data-testid="upgrade-notes"]', "had the same profile address")
    assert "Ada King and Ada Lovelace" in notes.text
    assert "before-upgrade-from-v1" in notes.text
    SHOTS.mkdir(parents=True, exist_ok=True)
    time.sleep(1)  # screenshots lag the page under Xvfb
    app.driver.save_screenshot(str(SHOTS / "upgrade-notes.png"))
    app.click('[data-testid="upgrade-ok"]')
    app.wait_rows(["Ada King", "Ada Lovelace"])
    assert (tmp_path / "data" / "guildhall.sqlite3.before-upgrade-from-v1").exists()


def test_a_damaged_database_gets_a_page_that_says_so(launch, tmp_path):
    made_by_version_1(tmp_path / "data")
    path = tmp_path / "data" / "guildhall.sqlite3"
    # The first page's b-tree (the schema) overwritten, as a bad sector or a torn copy does.
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    data = bytearray(path.read_bytes())
    data[100:1000] = b"\xa5" * 900
    path.write_bytes(bytes(data))
    app: Guildhall = launch()
    page = app.wait_text('[data-testid="startup-error"]', "is damaged")
    assert str(path) in page.text
    assert "not a Guildhall database" not in page.text
    time.sleep(1)
    app.driver.save_screenshot(str(SHOTS / "damaged.png"))
    assert path.read_bytes() == bytes(data), "the damaged file is left as it was"
