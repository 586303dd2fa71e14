"""Takes the README's screenshots: the real app under Xvfb with the demo community loaded.

    python tests/e2e/screenshot.py OUT.png [--members] [--dark]

By default the schedule's week view; with --members, the member directory with a member
open."""

import sys
import tempfile
import time
from pathlib import Path

from harness import Launcher


def main() -> None:
    out = Path(sys.argv[1]).resolve()
    dark = "--dark" in sys.argv
    members = "--members" in sys.argv
    # WebKit may still be writing its cache as the app stops.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        launcher = Launcher(Path(tmp))
        try:
            app = launcher.launch()
            app.driver.set_window_size(1280, 800)
            if dark:
                app.driver.execute_script("localStorage.setItem('guildhall.theme', 'dark')")
                app.driver.refresh()
            app.click('[data-testid="load-demo"]')
            app.wait_text('[data-testid="member-count"]', "200 members")
            app.click('[data-testid="toast"] button[aria-label="Dismiss"]')
            if members:
                name = app.row_names()[3]
                app.open_member(name)
            else:
                app.click('[data-testid="nav-schedule"]')
                app.find('[data-testid="week-view"] [data-testid="occurrence"]')
            # Screenshots lag the page by up to a second under Xvfb.
            time.sleep(1.5)
            out.parent.mkdir(parents=True, exist_ok=True)
            app.driver.save_screenshot(str(out))
            print(f"wrote {out}")
        finally:
            launcher.stop_all()


if __name__ == "__main__":
    main()
