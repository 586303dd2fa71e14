"""Live data through the real window: what another program writes into the same data folder
(here the `guildhall` command line) appears in the open app without a reload, and an editor the
organizer is typing in keeps what they typed."""

import os
import subprocess

from harness import ROOT, Guildhall

CLI = os.environ.get("GUILDHALL_CLI", str(ROOT / "target/debug/guildhall"))


def cli(data_dir, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_cli_import_appears_in_the_open_window_and_spares_typed_edits(launch, tmp_path):
    app: Guildhall = launch()
    app.add_member("Ada Lovelace", "ada@example.org")
    app.open_member("Ada Lovelace")
    # The organizer is typing a note, not saved yet.
    app.fill("#member-notes", "Met her at the October meetup")

    members = tmp_path / "meetup.csv"
    members.write_text(
        "Name,Email,Phone\n"
        "Ada Lovelace,ada@example.org,+44 20 7946 0000\n"
        "Grace Hopper,grace@example.org,\n"
        "Katherine Johnson,katherine@example.org,\n",
        encoding="utf-8",
    )
    done = cli(tmp_path / "data", "import", "members", str(members))
    assert done.returncode == 0, done.stderr
    assert "2 new, 1 updated" in done.stdout, done.stdout

    # The new members are in the list and the count, with no reload.
    app.wait_rows(["Ada Lovelace", "Grace Hopper", "Katherine Johnson"])
    app.wait_text('[data-testid="member-count"]', "3 members")
    # Ada was changed on disk meanwhile: the editor says so and keeps the typed note.
    app.find('[data-testid="changed-elsewhere"]')
    assert app.find("#member-notes").get_attribute("value") == "Met her at the October meetup"
    assert app.find("#member-name").get_attribute("value") == "Ada Lovelace"

    # Saving keeps the note; the editor then follows the saved member.
    app.click('[data-testid="save-member"]')
    app.wait_text('[data-testid="toast"]', "Saved Ada Lovelace")
    shown = cli(tmp_path / "data", "search", "ada")
    assert "Ada Lovelace" in shown.stdout

    # Nothing typed now: a second change elsewhere simply shows in the open editor.
    renamed = tmp_path / "renamed.csv"
    renamed.write_text("Name,Email\nAda King,ada@example.org\n", encoding="utf-8")
    done = cli(tmp_path / "data", "import", "members", str(renamed))
    assert done.returncode == 0, done.stderr
    app.wait(lambda _: app.find("#member-name").get_attribute("value") == "Ada King")
    app.wait_rows(["Ada King", "Grace Hopper", "Katherine Johnson"])
    assert not app.all('[data-testid="changed-elsewhere"]')
