"""A feed and page server on 127.0.0.1 for the `wirestream feed` tests (no internet)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def rss(*items: tuple[str | None, str, str], title: str = "Served Feed") -> str:
    """An RSS 2.0 document of (guid, link, title) items."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link>"
        + (f"<guid isPermaLink=\"false\">{guid}</guid>" if guid else "")
        + f"<description>Text of {t}.</description></item>"
        for guid, link, t in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://x.invalid/</link>{body}</channel></rss>")


@dataclass
class Route:
    body: str | bytes = ""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # a client that timed out closed the socket: expected, not worth a traceback


@dataclass
class FeedServer:
    """Serves `routes` (path -> Route) in threads; records every request's headers; answers
    304 when If-None-Match / If-Modified-Since match the route's validators."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def start(self) -> FeedServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.status != 200:
                    self.send_error(route.status)
                    return
                if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                        route.last_modified
                        and self.headers.get("If-Modified-Since") == route.last_modified):
                    self.send_response(304)
                    self.end_headers()
                    return
                body = route.body.encode() if isinstance(route.body, str) else route.body
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def headers_of(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]
