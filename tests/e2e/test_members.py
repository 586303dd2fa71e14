"""The member directory through the real app window."""

import hashlib
import sqlite3

from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from harness import Guildhall, close


def test_first_run_offers_to_add_a_member_or_load_the_demo(launch):
    app: Guildhall = launch()
    empty = app.find('[data-testid="empty-members"]')
    assert "Add your first member" in empty.text
    assert "Load a demo community" in empty.text
    assert app.all('[data-testid="member-row"]') == []


def test_add_find_and_edit_a_member(launch):
    app: Guildhall = launch()
    app.add_member("Grace Hopper", "grace@example.org", tags="compilers, Navy")
    app.wait_rows(["Grace Hopper"])
    app.add_member("Alan Turing", "alan@example.org")
    app.wait_rows(["Alan Turing", "Grace Hopper"])
    app.wait_text('[data-testid="member-count"]', "2 members")

    # Search as you type: part of the name, any case.
    app.search("GRAC")
    app.wait_rows(["Grace Hopper"])
    app.search("navy")  # a tag
    app.wait_rows(["Grace Hopper"])
    app.search("alan@")
    app.wait_rows(["Alan Turing"])
    app.search("")
    app.wait_rows(["Alan Turing", "Grace Hopper"])

    app.open_member("Grace Hopper")
    app.fill("#member-name", "Grace Brewster Hopper")
    app.click('[data-testid="save-member"]')
    app.wait_rows(["Alan Turing", "Grace Brewster Hopper"])
    app.search("brewster")
    app.wait_rows(["Grace Brewster Hopper"])


def test_a_duplicate_email_is_refused_next_to_the_field_and_nothing_changes(launch):
    app: Guildhall = launch()
    app.add_member("Ada Lovelace", "ada@example.org")
    app.wait_rows(["Ada Lovelace"])

    app.add_member("Someone Else", "ADA@Example.org", saved=False)
    error = app.wait_text("#member-email-error", "already used by Ada Lovelace")
    assert error.is_displayed()
    assert app.find("#member-email").get_attribute("aria-invalid") == "true"
    app.wait_rows(["Ada Lovelace"])
    assert "1 member" in app.find('[data-testid="member-count"]').text

    # Closing the refused form asks before its typed changes go.
    app.click('[data-testid="cancel-edit"]')
    app.wait_text("dialog[open]", "Discard your changes?")
    app.click('dialog[open] [data-testid="confirm"]')

    # Editing another member into the same address is refused too, and their data stays.
    app.add_member("Grace Hopper", "grace@example.org")
    app.wait_rows(["Ada Lovelace", "Grace Hopper"])
    app.open_member("Grace Hopper")
    app.fill("#member-email", "ada@EXAMPLE.org")
    app.click('[data-testid="save-member"]')
    app.wait_text("#member-email-error", "already used by Ada Lovelace")
    app.search("grace@example.org")
    app.wait_rows(["Grace Hopper"])


def test_markup_in_a_name_is_shown_as_text_and_never_run(launch):
    app: Guildhall = launch()
    name = "<img src=x onerror=alert(1)>"
    app.add_member(name)
    app.wait_rows([name])
    assert app.all('[data-testid="member-row"] img') == []
    assert app.driver.find_elements(By.CSS_SELECTOR, "img[src='x']") == []
    try:
        text = app.driver.switch_to.alert.text
        raise AssertionError(f"an alert ran: {text!r}")
    except NoAlertPresentException:
        pass
    app.open_member(name)
    assert app.find("#member-name").get_attribute("value") == name


def test_data_is_still_there_after_closing_and_reopening(launch):
    app: Guildhall = launch()
    app.add_member("Katherine Johnson", "katherine@example.org", tags="orbital mechanics")
    app.wait_rows(["Katherine Johnson"])
    close(app)

    again: Guildhall = launch()
    again.wait_rows(["Katherine Johnson"])
    again.search("orbital")
    again.wait_rows(["Katherine Johnson"])


def test_archive_with_undo_and_delete_after_asking(launch):
    app: Guildhall = launch()
    app.add_member("Hedy Lamarr", "hedy@example.org")
    app.add_member("Mary Jackson", "mary@example.org")
    app.wait_rows(["Hedy Lamarr", "Mary Jackson"])

    app.open_member("Hedy Lamarr")
    app.click('[data-testid="archive-member"]')
    app.wait_rows(["Mary Jackson"])
    app.wait_text('[data-testid="toast"]', "Archived Hedy Lamarr")
    app.click('[data-testid="toast"] button.link')  # Undo
    app.wait_rows(["Hedy Lamarr", "Mary Jackson"])

    app.open_member("Mary Jackson")
    app.click('[data-testid="delete-member"]')
    dialog = app.find("dialog[open]")
    assert "cannot be undone" in dialog.text
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Cancel']").click()
    app.wait_rows(["Hedy Lamarr", "Mary Jackson"])
    app.click('[data-testid="delete-member"]')
    app.click('dialog[open] [data-testid="confirm"]')
    app.wait_rows(["Hedy Lamarr"])


def test_load_and_remove_the_demo_community(launch):
    app: Guildhall = launch()
    app.click('[data-testid="load-demo"]')
    app.wait_text('[data-testid="demo-banner"]', "200 made-up members")
    app.wait_text('[data-testid="member-count"]', "200 members")
    app.search("zoe")
    app.wait(lambda _: len(app.row_names()) >= 1 and all("Zoë" in n for n in app.row_names()))
    # The demo's workshops are on this week's schedule.
    app.click('[data-testid="nav-schedule"]')
    app.wait(lambda _: len(app.all('[data-testid="week-view"] [data-testid="occurrence"]')) >= 4)
    app.click('[data-testid="nav-members"]')
    app.click('[data-testid="remove-demo"]')
    app.find('[data-testid="empty-members"]')
    assert app.all('[data-testid="demo-banner"]') == []
    # ... and go with it.
    app.click('[data-testid="nav-schedule"]')
    app.click('[data-testid="view-upcoming"]')
    app.find('[data-testid="schedule-empty"]')


def test_a_database_from_a_newer_guildhall_is_refused_and_left_alone(launch, tmp_path):
    db = tmp_path / "data" / "guildhall.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE from_the_future (x)")
        conn.execute("PRAGMA user_version = 999")
    before = hashlib.sha256(db.read_bytes()).hexdigest()

    app: Guildhall = launch()
    notice = app.find('[data-testid="startup-error"]')
    assert "newer version of Guildhall" in notice.text
    assert app.all("nav[aria-label='Main']") == []
    close(app)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_merge_two_records_of_one_person(launch):
    app: Guildhall = launch()
    app.add_member("Zoe M", "zoe@example.org", tags="rust")
    app.add_member("Zoë Müller", tags="mentoring")
    app.wait_rows(["Zoe M", "Zoë Müller"])

    app.open_member("Zoe M")
    app.click('[data-testid="merge-member"]')
    app.fill("#merge-search", "mull")
    app.click('[data-testid="member-match"]')
    table = app.find('[data-testid="merge-preview"]')
    assert "Zoë Müller" in table.get_attribute("textContent")
    # Take the other record's spelling of the name.
    app.driver.find_element(By.CSS_SELECTOR, "input[name='merge-name']:not(:checked)").click()
    app.click('[data-testid="merge-run"]')
    app.wait_rows(["Zoë Müller"])
    app.wait(lambda _: app.find("#member-email").get_attribute("value") == "zoe@example.org")
    assert app.find("#member-tags").get_attribute("value") == "mentoring, rust"
