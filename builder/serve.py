"""`python -m builder serve`: build, serve the output, rebuild and reload the browser on change.

A small server on the standard library rather than the `livereload` package, because the
preview needs four things livereload 2.7 does not do: serve the site under its base_url's
sub-path (/repo/) with / redirecting there; show a failed build's diagnostics in every open
tab instead of the last good pages; keep serving while a rebuild runs (livereload runs the
builder on its one IOLoop thread, so every request waits for the build); and inject its script
only into HTML responses it produces, never into the files in public/.

How it fits together:

- `PreviewServer` (a ThreadingHTTPServer) serves files from the output folder, resolving every
  request inside it; HTML responses get a small script that listens to `/__gloss/events`
  (Server-Sent Events) and reloads the page when the site's generation moves on.
- `watch_and_rebuild` runs in the main thread: it polls the site's inputs (content/,
  templates/, static/, data/, site.toml), waits for a burst of saves to settle (debounce), then
  calls the builder. A failed build is recorded in `PreviewState` and shown on every HTML
  request until the next good build; either way the generation moves on and tabs reload.
- Ctrl-C (or SIGTERM) stops both and exits 0.
"""
from __future__ import annotations

import errno
import html
import logging
import mimetypes
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from .build import BuildOptions, BuildResult, WarmState, build, stored_state
from .errors import Diagnostic, UserError

log = logging.getLogger("gloss")

EVENTS_PATH = "/__gloss/events"
#: How long the inputs must stay still after a change before the rebuild starts.
DEBOUNCE_SECONDS = 0.3
POLL_SECONDS = 0.25
#: SSE comment sent this often so a vanished client is noticed and its thread ends.
KEEPALIVE_SECONDS = 10.0
WATCHED = ("content", "templates", "static", "data", "site.toml")

RELOAD_SCRIPT = """<script>/* Gloss preview: live reload (not in the built files) */
(function () {{
  var events = new EventSource("{events}?since={generation}");
  events.addEventListener("reload", function () {{ events.close(); location.reload(); }});
}})();
</script>"""


# --- state shared between the builder thread and the request threads --------------------------


@dataclass(frozen=True)
class BuildFailure:
    """A build that failed: the diagnostics for a user error, or a traceback for a bug."""

    diagnostics: tuple[Diagnostic, ...]
    traceback: str = ""


class PreviewState:
    def __init__(self, out_dir: Path, base_path: str):
        self.out_dir = out_dir.absolute()
        self.base_path = base_path
        self.generation = 0
        self.failure: BuildFailure | None = None
        self.stopping = False
        self._changed = threading.Condition()

    def finished_build(self, failure: BuildFailure | None, base_path: str | None = None) -> None:
        with self._changed:
            self.failure = failure
            if base_path:
                self.base_path = base_path
            self.generation += 1
            self._changed.notify_all()

    def stop(self) -> None:
        with self._changed:
            self.stopping = True
            self._changed.notify_all()

    def wait_for_generation_after(self, seen: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.generation > seen or self.stopping, timeout)
            return self.generation


# --- HTTP ----------------------------------------------------------------------------------


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep the process alive at exit

    def __init__(self, address: tuple[str, int], state: PreviewState):
        self.state = state
        super().__init__(address, PreviewHandler)

    def handle_error(self, request, client_address) -> None:
        # A browser that closes a tab mid-response resets the connection, often while the
        # stdlib is still flushing or reading the next request: routine, not worth a traceback.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def file_for(out_dir: Path, site_path: str) -> Path | None:
    """The file under `out_dir` for a URL path relative to the site's base (already
    percent-decoded), or None if there is none or it would be outside `out_dir`."""
    parts = [p for p in site_path.split("/") if p]
    if any(p in (".", "..") or "\\" in p or "\0" in p for p in parts):
        return None
    root = out_dir.resolve()
    candidate = root.joinpath(*parts).resolve()
    if not candidate.is_relative_to(root):
        return None  # a symlink pointing out of the site
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def error_page(failure: BuildFailure) -> str:
    items = "".join(f"<li><code>{html.escape(str(d))}</code></li>" for d in failure.diagnostics)
    trace = f"<pre>{html.escape(failure.traceback)}</pre>" if failure.traceback else ""
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Build failed - Gloss preview</title><style>body{font:16px/1.5 system-ui,sans-serif;"
            "margin:2rem;color:#222}h1{color:#b00020}code,pre{white-space:pre-wrap}</style></head><body>"
            "<h1>The build failed</h1><p>Fix the problem and save: the page reloads by itself.</p>"
            f"<ul id=\"gloss-build-errors\">{items}</ul>{trace}</body></html>")


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        log.debug("%s %s", self.address_string(), format % args)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        try:
            self._route(head)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True  # the client went away mid-response; nothing to do

    def _route(self, head: bool) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        if url.path == EVENTS_PATH:
            return self._stream_events(url.query)
        base = state.base_path
        if not url.path.startswith(base):
            if url.path in ("/", base.rstrip("/")):
                return self._redirect(base)
            return self._not_found(head)
        site_path = unquote(url.path[len(base):])
        if state.failure is not None and _wants_html(site_path):
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                              self._with_script(error_page(state.failure).encode("utf-8")), head)
        target = file_for(state.out_dir, site_path)
        if target is None:
            return self._not_found(head)
        if target.name == "index.html" and site_path and not site_path.endswith(("/", "index.html")):
            return self._redirect(url.path + "/")  # relative links in the page need the slash
        try:
            body = target.read_bytes()
        except OSError:  # swapped away by a rebuild between the lookup and the read
            return self._not_found(head)
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type == "text/html":
            body = self._with_script(body)
            content_type += "; charset=utf-8"
        self._send(HTTPStatus.OK, content_type, body, head)

    def _with_script(self, page: bytes) -> bytes:
        script = RELOAD_SCRIPT.format(events=EVENTS_PATH, generation=self.server.state.generation)
        script_bytes = script.encode("utf-8")
        at = page.rfind(b"</body>")
        return page[:at] + script_bytes + page[at:] if at >= 0 else page + script_bytes

    def _not_found(self, head: bool) -> None:
        page = file_for(self.server.state.out_dir, "404.html")
        body = page.read_bytes() if page else b"<!doctype html><title>Not found</title><h1>Not found</h1>"
        self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", self._with_script(body), head)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _stream_events(self, query: str) -> None:
        """Server-Sent Events: one `reload` event as soon as the site's generation is newer
        than the one the page was served with (so a build finishing before the page connects
        is not missed)."""
        state = self.server.state
        try:
            seen = int(dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("since", ""))
        except ValueError:
            seen = state.generation
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        while not state.stopping:
            generation = state.wait_for_generation_after(seen, KEEPALIVE_SECONDS)
            if state.stopping:
                return
            if generation > seen:
                self.wfile.write(f"event: reload\ndata: {generation}\n\n".encode())
                self.wfile.flush()
                return
            self.wfile.write(b": keep-alive\n\n")
            self.wfile.flush()


def _wants_html(site_path: str) -> bool:
    last = site_path.rsplit("/", 1)[-1]
    return last == "" or last.endswith((".html", ".htm")) or "." not in last


# --- watching and rebuilding ---------------------------------------------------------------

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path) -> Snapshot:
    """(mtime, size) of every watched, non-hidden file: cheap enough to poll a few times a
    second even for thousands of articles, and needs no platform-specific watcher."""
    found: Snapshot = {}
    for name in WATCHED:
        top = root / name
        paths = [top] if top.is_file() else top.rglob("*") if top.is_dir() else []
        for path in paths:
            relative = path.relative_to(root)
            if any(part.startswith(".") or part.endswith("~") for part in relative.parts):
                continue  # editor swap and backup files
            try:
                stat = path.stat()
            except OSError:
                continue  # deleted while we looked
            if not path.is_dir():
                found[relative.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


def wait_for_change(root: Path, before: Snapshot, should_stop: Callable[[], bool]) -> Snapshot | None:
    """Block until the watched files change and then stay still for DEBOUNCE_SECONDS, so a
    burst of saves (an editor writing several files, a `git checkout`) is one rebuild."""
    current = before
    while not should_stop():
        time.sleep(POLL_SECONDS)
        latest = snapshot(root)
        if latest != current:
            current, settled_at = latest, time.monotonic()
            while time.monotonic() - settled_at < DEBOUNCE_SECONDS:
                time.sleep(DEBOUNCE_SECONDS / 3)
                again = snapshot(root)
                if again != current:
                    current, settled_at = again, time.monotonic()
            return current
    return None


def run_build(options: BuildOptions, state: PreviewState, builder: Callable[[BuildOptions], BuildResult]) -> None:
    """One build; its outcome goes into `state` (and the log), never out as an exception."""
    try:
        result = builder(options)
    except UserError as exc:
        for diagnostic in exc.diagnostics:
            log.error("%s", diagnostic)
        log.error("the build failed; still serving the last good build, with the errors on every page")
        state.finished_build(BuildFailure(exc.diagnostics))
    except Exception as exc:  # a bug in Gloss: show it, keep the server up for the next save
        trace = traceback.format_exc()
        log.error("%s", trace)
        state.finished_build(BuildFailure((Diagnostic(None, None, f"internal error: {exc!r}"),), trace))
    else:
        log.info("%s", result.describe())
        state.finished_build(None, result.config.base_path)


def _initial_base_path(options: BuildOptions) -> str:
    """The sub-path to serve under, known before the first build (which may fail)."""
    from .config import load_config, with_base_url
    try:
        config, _ = load_config(options.root)
        return with_base_url(config, options.base_url).base_path
    except UserError:
        return "/"


def bind(host: str, port: int, state: PreviewState) -> PreviewServer:
    try:
        return PreviewServer((host, port), state)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UserError(f"port {port} on {host} is already in use; stop the other server "
                            f"or choose another port with --port") from None
        if exc.errno == errno.EACCES:
            raise UserError(f"not allowed to listen on port {port}; choose one above 1023 with --port") from None
        if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        raise


def serve(options: BuildOptions, host: str = "127.0.0.1", port: int = 8000,
          builder: Callable[[BuildOptions], BuildResult] = build) -> int:
    """Build, serve and rebuild until interrupted; returns the exit status (0)."""
    # one WarmState for the whole session: each rebuild redoes only what the edit touched;
    # it starts as the last `build` command left it, so the first save is quick too
    options = replace(options, skip_if_unchanged=True, warm=options.warm or stored_state(options) or WarmState())
    out_dir = options.out_dir or options.root / "public"
    state = PreviewState(out_dir, _initial_base_path(options))
    server = bind(host, port, state)  # before building: a busy port should fail at once
    previous_sigterm = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    # A process started in the background by a shell without job control (a script's `&`,
    # nohup) inherits SIGINT ignored, and Python then leaves it so: Ctrl-C must stop it anyway.
    previous_sigint = signal.signal(signal.SIGINT, signal.default_int_handler)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                               name="gloss-preview-http", daemon=True)
    try:
        watched = snapshot(options.root)
        run_build(options, state, builder)
        serving.start()
        shown_host = f"[{host}]" if ":" in host else host
        log.info("serving the site on http://%s:%d%s (Ctrl-C to stop)",
                 shown_host, server.server_address[1], state.base_path)
        while True:
            changed = wait_for_change(options.root, watched, lambda: False)
            if changed is None:
                break
            watched = changed
            log.info("change detected; rebuilding")
            run_build(options, state, builder)
    except KeyboardInterrupt:
        log.info("stopped")
    finally:
        state.stop()
        if serving.is_alive():
            server.shutdown()
        server.server_close()
        signal.signal(signal.SIGTERM, previous_sigterm)
        signal.signal(signal.SIGINT, previous_sigint)
    return 0


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt

