"""Importing and exporting members through the real app window. Native file dialogs are out of
WebDriver's reach, so GUILDHALL_DIALOG_OPEN_PATH / GUILDHALL_DIALOG_SAVE_PATH answer them."""

import csv

from harness import Guildhall


def write_eventbrite(path, rows: int, bad_line_at: int | None = None) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity",
                    "Ticket Type", "Attendee #", "Attendee Status", "What do you hope to learn?"])
        for i in range(rows):
            email = "not-an-email" if i == bad_line_at else f"attendee{i}@example.org"
            first = "Zoë" if i == 0 else f"Person{i}"
            w.writerow([1000 + i, "2026-10-01 18:00", first, "Müller", email, 1,
                        "General", 5000 + i, "Attending", "Testing, and more"])


def test_import_a_csv_with_progress_counts_and_the_members_found(launch, tmp_path):
    rows = 3000
    file = tmp_path / "eventbrite.csv"
    write_eventbrite(file, rows)
    app: Guildhall = launch({"GUILDHALL_DIALOG_OPEN_PATH": str(file)})

    app.click('[data-testid="import-open"]')
    preview = app.wait_text('[data-testid="import-preview"]', "Eventbrite attendee report")
    assert f"{rows} rows" in preview.text
    app.click('[data-testid="import-run"]')
    summary = app.wait_text('[data-testid="import-summary"]', "Imported")
    assert f"{rows:,} new, 0 updated, 0 unchanged, 0 with problems" in summary.text
    # Progress arrived over the channel while the import ran.
    assert summary.get_attribute("data-progress-done") == str(rows)
    app.click('[data-testid="import-close"]')

    app.wait_text('[data-testid="member-count"]', f"{rows} members")
    app.search("zoe mull")
    app.wait_rows(["Zoë Müller"])


def test_a_file_with_a_bad_row_imports_nothing_and_names_the_line(launch, tmp_path):
    file = tmp_path / "eventbrite.csv"
    write_eventbrite(file, 20, bad_line_at=6)  # data row 7 = line 8 of the file
    app: Guildhall = launch({"GUILDHALL_DIALOG_OPEN_PATH": str(file)})

    app.click('[data-testid="import-open"]')
    app.click('[data-testid="import-run"]')
    summary = app.wait_text('[data-testid="import-summary"]', "Nothing was imported")
    assert "1 row has problems" in summary.text
    problems = app.find("dialog[open] table").get_attribute("textContent")
    assert "8" in problems and "not-an-email" in problems
    app.click('[data-testid="import-close"]')
    app.find('[data-testid="empty-members"]')


def test_export_a_mailing_list_to_the_chosen_file(launch, tmp_path):
    out = tmp_path / "bcc.txt"
    app: Guildhall = launch({"GUILDHALL_DIALOG_SAVE_PATH": str(out)})
    app.click('[data-testid="load-demo"]')
    app.wait_text('[data-testid="member-count"]', "200 members")

    app.click('[data-testid="export-open"]')
    app.find("#export-format")
    app.driver.execute_script(
        "const s = document.querySelector('#export-format');"
        "s.value = 'plain'; s.dispatchEvent(new Event('change', { bubbles: true }));"
    )
    app.click('[data-testid="export-run"]')
    toast = app.wait_text('[data-testid="toast"]', "Exported")
    addresses = [a.strip() for a in out.read_text(encoding="utf-8").split(",")]
    assert len(addresses) > 100
    assert all("@example." in a for a in addresses)
    assert f"Exported {len(addresses)} addresses" in toast.text
