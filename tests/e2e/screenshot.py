"""Takes the README's screenshot: the real app under Xvfb with the demo community loaded and a
member open in the editor. Usage: python tests/e2e/screenshot.py OUT.png [--dark]"""

import sys
import tempfile
import time
from pathlib import Path

from harness import Launcher


def main() -> None:
    out = Path(sys.argv[1]).resolve()
    dark = "--dark" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
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
            name = app.row_names()[3]
            app.open_member(name)
            # Screenshots lag the page by up to a second under Xvfb.
            time.sleep(1.5)
            out.parent.mkdir(parents=True, exist_ok=True)
            app.driver.save_screenshot(str(out))
            print(f"wrote {out}")
        finally:
            launcher.stop_all()


if __name__ == "__main__":
    main()
