"""`python -m builder serve`: the live preview, over real HTTP, in a subprocess, with the real
model; and in Debian's Chromium through Playwright: an edit shows up in the open tab by itself,
a broken article shows its error in the page, and fixing it recovers."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, copy_sample_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTICLE_SLUG = "rutte-first-visit-kyiv"
STARTUP_SECONDS = 120  # the first build loads spaCy and analyses the sample site


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Preview:
    """A `serve` subprocess whose stderr is collected line by line."""

    def __init__(self, site: Path, *args: str, sigint_ignored: bool = False):
        self.site = site
        self.port = free_port()
        self.lines: list[str] = []
        # A shell without job control starts `cmd &` with SIGINT ignored, and the child inherits it.
        ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None
        self.process = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", str(site), "--port", str(self.port), *args],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"}, preexec_fn=ignore)
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_output(self, pattern: str, timeout: float = STARTUP_SECONDS, start: int = 0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(re.search(pattern, line) for line in self.lines[start:]):
                return
            if self.process.poll() is not None:
                time.sleep(0.2)  # let the reader thread catch the last lines
                pytest.fail(f"serve exited with {self.process.returncode}:\n{self.output}")
            time.sleep(0.1)
        pytest.fail(f"no line matching {pattern!r} within {timeout} s:\n{self.output}")

    def get(self, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
        """A request with the path sent exactly as given (no client-side normalising)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def subpath_preview(tmp_path_factory):
    """The sample site previewed as a GitHub Pages project site (under /repo/)."""
    site = copy_sample_site(tmp_path_factory.mktemp("preview"))
    preview = Preview(site, "--base-url", "https://someone.github.io/repo/")
    preview.wait_for_output(r"serving the site on http://127\.0\.0\.1:\d+/repo/")
    yield preview
    preview.stop()


# --- HTTP, no browser ----------------------------------------------------------------------


def test_the_site_is_served_under_its_sub_path_and_the_root_redirects_there(subpath_preview):
    status, headers, _ = subpath_preview.get("/")
    assert status == 302 and headers["Location"] == "/repo/"
    status, _, body = subpath_preview.get(f"/repo/articles/{ARTICLE_SLUG}/")
    assert status == 200
    assert b"Mark Rutte" in body
    assert b'href="/repo/people/mark-rutte/"' in body  # links made for the sub-path work here
    status, _, _ = subpath_preview.get(f"/articles/{ARTICLE_SLUG}/")
    assert status == 404  # outside the sub-path there is nothing, as on GitHub Pages


def test_a_folder_without_its_slash_redirects_to_it(subpath_preview):
    status, headers, _ = subpath_preview.get(f"/repo/articles/{ARTICLE_SLUG}")
    assert status == 302 and headers["Location"] == f"/repo/articles/{ARTICLE_SLUG}/"


@pytest.mark.parametrize("path", [
    "/repo/../site.toml", "/repo/%2e%2e/site.toml", "/repo/..%2fsite.toml", "/repo/..%2Fsite.toml",
    "/../site.toml", "/%2e%2e/site.toml", "/..%2fsite.toml", "/repo/%2e%2e%2fsite.toml",
    "/repo/..%5csite.toml", "/repo/articles/../../site.toml", "/repo/%2e%2e/content/rutte-first-visit-kyiv.md",
])
def test_nothing_outside_the_output_folder_is_served(subpath_preview, path):
    status, _, body = subpath_preview.get(path)
    assert status in (302, 404)
    assert b"[nlp]" not in body and b"+++" not in body  # site.toml's / an article's source


def test_the_reload_script_is_in_html_responses_only_and_never_on_disk(subpath_preview):
    _, headers, page = subpath_preview.get(f"/repo/articles/{ARTICLE_SLUG}/")
    assert headers["Content-Type"].startswith("text/html")
    assert b"/__gloss/events" in page
    on_disk = (subpath_preview.site / "public" / "articles" / ARTICLE_SLUG / "index.html").read_bytes()
    assert b"__gloss" not in on_disk
    assert page.replace(re.search(rb"<script>/\* Gloss preview.*?</script>", page, re.S).group(0), b"") == on_disk
    status, headers, data = subpath_preview.get("/repo/api/entities.json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert b"__gloss" not in data
    assert data == (subpath_preview.site / "public" / "api" / "entities.json").read_bytes()


def test_the_event_stream_sends_reload_when_the_page_is_older_than_the_site(subpath_preview):
    # a page served before the latest build (generation 0) must reload at once
    with socket.create_connection(("127.0.0.1", subpath_preview.port), timeout=10) as sock:
        sock.sendall(b"GET /__gloss/events?since=0 HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while b"event: reload" not in received:
            chunk = sock.recv(4096)
            assert chunk, received
            received += chunk
    assert b"text/event-stream" in received


def test_clients_that_disconnect_mid_response_do_not_hurt_the_server(subpath_preview):
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", subpath_preview.port), timeout=10) as sock:
            sock.sendall(b"GET /repo/api/entities.json HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.recv(10)  # read a little, then hang up with the rest unsent
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        with socket.create_connection(("127.0.0.1", subpath_preview.port), timeout=10) as sock:
            sock.sendall(b"GET /__gloss/events?since=999 HTTP/1.1\r\nHost: x\r\n\r\n")  # and an idle stream
    status, _, body = subpath_preview.get("/repo/")
    assert status == 200 and b"Gloss sample" in body
    assert subpath_preview.process.poll() is None
    assert "Traceback" not in subpath_preview.output


def test_a_port_in_use_is_one_clear_line(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "builder", "serve", str(site), "--port", str(port)],
                              cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == (f"port {port} on 127.0.0.1 is already in use; stop the other "
                                   f"server or choose another port with --port")
    assert not (site / "public").exists()  # it failed before building anything


@pytest.mark.parametrize("started", ["from a terminal", "in the background (SIGINT ignored)"])
def test_ctrl_c_exits_cleanly(tmp_path, started):
    site = copy_sample_site(tmp_path / "site")
    preview = Preview(site, sigint_ignored=started != "from a terminal")
    try:
        preview.wait_for_output(r"serving the site on")
        assert preview.interrupt() == 0
        time.sleep(0.2)
        assert "Traceback" not in preview.output
    finally:
        preview.stop()


# --- in a real browser ---------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (scripts/ensure-chromium installs it)")
def test_edits_errors_and_recovery_show_in_the_open_tab(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    site = copy_sample_site(tmp_path / "site")
    article = site / "content" / f"{ARTICLE_SLUG}.md"
    original = article.read_text(encoding="utf-8")
    preview = Preview(site)
    try:
        preview.wait_for_output(r"serving the site on")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{preview.port}/articles/{ARTICLE_SLUG}/")
            expect(page.locator("article, main").first).to_contain_text("first foreign visit to Kyiv")

            # an edit to the Markdown appears in the open tab without touching the browser
            builds = len(preview.lines)
            article.write_text(original.replace("first foreign visit to Kyiv",
                                                "first foreign trip to the city of Kyiv"), encoding="utf-8")
            expect(page.locator("body")).to_contain_text("first foreign trip to the city of Kyiv", timeout=60_000)
            preview.wait_for_output(r"built \d+ articles", start=builds)

            # broken front matter: the error, with file and line, in the page
            broken = original.replace('date = 2024-10-03', 'date = "not a date', 1)
            article.write_text(broken, encoding="utf-8")
            errors = page.locator("#gloss-build-errors")
            expect(errors).to_contain_text(f"{ARTICLE_SLUG}.md:3:", timeout=60_000)
            expect(errors).to_contain_text("invalid TOML")

            # fixed: the article is back, with no manual reload
            article.write_text(original, encoding="utf-8")
            expect(page.locator("body")).to_contain_text("first foreign visit to Kyiv", timeout=60_000)
            expect(page.locator("#gloss-build-errors")).to_have_count(0)
            browser.close()
        assert preview.process.poll() is None
        assert preview.interrupt() == 0
    finally:
        preview.stop()
