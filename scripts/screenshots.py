"""Screenshots of the default theme for the README: the sample site's article and person pages
at desktop (1280 px) and phone (390 px) width, in light and dark, taken with Debian's Chromium.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]     # default: docs/screenshots/

Builds the sample site into a temporary folder and serves it on 127.0.0.1 for the browser.
"""
from __future__ import annotations

import functools
import shutil
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTICLE = "articles/rutte-first-visit-kyiv/"
PERSON = "people/mark-rutte/"
#: (file name, page, viewport width, height, colour scheme, word whose card is shown open)
SHOTS = [
    ("article-desktop.png", ARTICLE, 1280, 900, "light", "Volodymyr Zelenskyy"),
    ("article-phone.png", ARTICLE, 390, 844, "light", "Volodymyr Zelenskyy"),
    ("person-desktop.png", PERSON, 1280, 900, "light", None),
    ("person-phone.png", PERSON, 390, 844, "light", None),
    ("article-desktop-dark.png", ARTICLE, 1280, 900, "dark", "Volodymyr Zelenskyy"),
    ("person-phone-dark.png", PERSON, 390, 844, "dark", None),
]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def build_sample(into: Path) -> Path:
    from builder.build import BuildOptions, build
    shutil.copy(REPO / "site.toml", into / "site.toml")
    for folder in ("content", "data"):
        shutil.copytree(REPO / folder, into / folder)
    return build(BuildOptions(root=into, base_url="/")).out_dir


def main(out_dir: Path) -> None:
    from playwright.sync_api import sync_playwright
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = build_sample(Path(tmp))
        handler = functools.partial(QuietHandler, directory=str(site))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, path, width, height, scheme, open_card in SHOTS:
                    context = browser.new_context(viewport={"width": width, "height": height},
                                                  color_scheme=scheme, device_scale_factor=1,
                                                  reduced_motion="reduce")
                    page = context.new_page()
                    page.goto(base + path)
                    if open_card:
                        link = page.locator(".article-body .mention-link", has_text=open_card).first
                        # the word a fifth of the way down, its card and the quote below it
                        link.evaluate("a => window.scrollBy(0, a.getBoundingClientRect().top"
                                      " - innerHeight * 0.2)")
                        link.evaluate("a => a.focus({preventScroll: true})")
                        page.mouse.move(0, 0)
                        page.wait_for_timeout(300)
                    page.screenshot(path=str(out_dir / name))
                    context.close()
                    print(out_dir / name)
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots")
