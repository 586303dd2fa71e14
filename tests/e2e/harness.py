"""Drives the real Guildhall binary (UI embedded) in a real WebKitGTK window through
tauri-driver and WebKitWebDriver. Used by the end-to-end tests and by `make screenshot`.

Every launch gets its own data folder and XDG folders (WebKit writes its own files there), so
nothing touches the user's data.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]

# One zone for the tests and the app they start (both read TZ), whatever the machine's: "this
# week" means the same days to both, and Berlin workshops differ from the laptop's clock.
os.environ.setdefault("TZ", "UTC")
time.tzset()
APP = Path(os.environ.get("GUILDHALL_APP", ROOT / "target/debug/guildhall-app"))
TAURI_DRIVER = os.environ.get("TAURI_DRIVER") or shutil.which("tauri-driver") or str(
    ROOT / ".tools/bin/tauri-driver"
)
WAIT = 15  # seconds; a generous ceiling for a condition, never a fixed sleep


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"tauri-driver exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"tauri-driver did not listen on port {port}")


class Guildhall:
    """One running Guildhall app (a WebDriver session) with helpers phrased as a user acts."""

    def __init__(self, driver: webdriver.Remote):
        self.driver = driver

    # -- finding things -------------------------------------------------------------------
    def wait(self, condition, timeout: float = WAIT):
        # The page may re-render while a condition looks at it (a live update replaces rows):
        # an element that went away answers "stale" or, from WebKitWebDriver, an "unknown
        # error"; look again until the timeout.
        return WebDriverWait(
            self.driver,
            timeout,
            ignored_exceptions=(StaleElementReferenceException, WebDriverException),
        ).until(condition)

    def find(self, css: str) -> WebElement:
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait_text(self, css: str, text: str) -> WebElement:
        self.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
        return self.find(css)

    def row_names(self) -> list[str]:
        # Read in one script so a list re-rendering meanwhile cannot hand us stale nodes.
        # textContent, not .text: WebKitWebDriver reports no visible text for an ellipsised
        # span inside a button, though it is on screen (see the failure screenshots).
        return self.driver.execute_script(
            "return [...document.querySelectorAll("
            "'[data-testid=\"member-row\"] [data-testid=\"member-name\"]')]"
            ".map(e => e.textContent.trim())"
        )

    def wait_rows(self, expected: list[str]) -> None:
        self.wait(lambda _: self.row_names() == expected)

    # -- acting ---------------------------------------------------------------------------
    def fill(self, css: str, text: str) -> None:
        field = self.find(css)
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(Keys.BACKSPACE)
        if text:
            field.send_keys(text)

    def set_value(self, css: str, value: str) -> None:
        """Sets an input's value as the UI would see it typed (an `input` event), for date and
        time inputs whose typing rules depend on the webview's locale."""
        element = self.find(css)
        self.driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', { bubbles: true }));"
            "arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
            element,
            value,
        )

    def click(self, css: str) -> None:
        self.wait(EC.element_to_be_clickable((By.CSS_SELECTOR, css))).click()

    def search(self, text: str) -> None:
        self.fill("#member-search", text)

    def add_member(self, name: str, email: str = "", tags: str = "", saved: bool = True) -> None:
        """Adds a member through the editor; waits until the save has come back (unless the
        save is expected to be refused), as an organizer sees the "Added" note."""
        self.click('[data-testid="add-member"]')
        self.fill("#member-name", name)
        if email:
            self.fill("#member-email", email)
        if tags:
            self.fill("#member-tags", tags)
        self.click('[data-testid="save-member"]')
        if saved:
            self.wait_text('[data-testid="toast"]', f"Added {name}")

    def open_member(self, name: str) -> None:
        def click_row(_):
            for row in self.all('[data-testid="member-row"]'):
                label = row.find_element(By.CSS_SELECTOR, '[data-testid="member-name"]')
                if (label.get_attribute("textContent") or "").strip() == name:
                    row.click()
                    return True
            return False

        self.wait(click_row)
        self.wait(lambda _: self.find("#member-name").get_attribute("value") == name)


class Launcher:
    """Starts Guildhall on one work folder; `launch()` again after `close()` reopens the app on
    the same data (a new process, as when the organizer restarts it)."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        for sub in ("data", "xdg-data", "xdg-cache", "xdg-config", "logs"):
            (workdir / sub).mkdir(parents=True, exist_ok=True)
        self.started: list[tuple[subprocess.Popen, webdriver.Remote | None]] = []

    def launch(self, extra_env: dict[str, str] | None = None) -> Guildhall:
        if not APP.exists():
            raise FileNotFoundError(f"{APP} is missing: build it with `make app`")
        port, native_port = free_port(), free_port()
        env = dict(
            os.environ,
            GUILDHALL_DATA_DIR=str(self.workdir / "data"),
            XDG_DATA_HOME=str(self.workdir / "xdg-data"),
            XDG_CACHE_HOME=str(self.workdir / "xdg-cache"),
            XDG_CONFIG_HOME=str(self.workdir / "xdg-config"),
            **(extra_env or {}),
        )
        log = open(self.workdir / "logs" / f"tauri-driver-{len(self.started)}.log", "wb")
        proc = subprocess.Popen(
            [TAURI_DRIVER, "--port", str(port), "--native-port", str(native_port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append((proc, None))
        # tauri-driver listens before the WebKitWebDriver it starts does; a session request in
        # between is refused, so wait for both.
        wait_for_port(port, proc)
        wait_for_port(native_port, proc)
        options = ArgOptions()
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": str(APP)})
        url = f"http://127.0.0.1:{port}"
        connection = RemoteConnection(client_config=ClientConfig(url))
        driver = webdriver.Remote(command_executor=connection, options=options)
        self.started[-1] = (proc, driver)
        app = Guildhall(driver)
        app.wait(lambda d: d.execute_script("return document.readyState") == "complete")
        # The shell, or the notice shown instead when the database cannot be opened.
        app.wait(lambda _: app.all("nav[aria-label='Main']") or app.all("[data-testid='startup-error']"))
        return app

    def app_pids(self) -> list[int]:
        """The running app processes of this launcher (found by their data folder)."""
        data = f"GUILDHALL_DATA_DIR={self.workdir / 'data'}".encode()
        pids = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                if Path(proc / "exe").resolve() != APP.resolve():
                    continue
                if data in (proc / "environ").read_bytes().split(b"\0"):
                    pids.append(int(proc.name))
            except OSError:
                continue  # gone meanwhile, or not ours to read
        return pids

    def screenshots(self, folder: Path, stem: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for i, (_, driver) in enumerate(self.started):
            try:
                if driver is not None:
                    driver.save_screenshot(str(folder / f"{stem}-{i}.png"))
            except WebDriverException:
                pass

    def stop_all(self) -> None:
        for proc, driver in self.started:
            if driver is not None:
                try:
                    driver.quit()
                except WebDriverException:
                    pass
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def close(app: Guildhall) -> None:
    """Closes the app window (ends the app process) like the organizer quitting."""
    app.driver.quit()
