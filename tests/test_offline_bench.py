"""The offline benchmark's emulated line (benchmarks/offline_bench.py, `Link`): its figures are
only as good as this. A response crosses it in latency + size / rate; two at once share the rate;
each connection's request and response are recorded as sent."""

import socket
import threading
import time

import pytest

from benchmarks.offline_bench import Exchange, Link

BODY = 31_250  # bytes: one second at 250 kbit/s


def _server(body_size: int) -> tuple[socket.socket, int]:
    """A one-response-per-connection HTTP server on loopback, like gunicorn without keep-alive."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def answer(connection):
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(4096)
            head = f"HTTP/1.1 200 OK\r\nContent-Type: text/css; charset=utf-8\r\nContent-Length: {body_size}\r\n\r\n"
            connection.sendall(head.encode() + b"x" * body_size)

    def serve():
        while True:
            try:
                connection, _address = listener.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(connection,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return listener, listener.getsockname()[1]


def _get(port: int, path: str = "/static/app.css") -> tuple[float, int]:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nSec-Fetch-Dest: style\r\n\r\n".encode())
        received = 0
        while chunk := connection.recv(65536):
            received += len(chunk)
    return time.monotonic() - started, received


@pytest.fixture
def line():
    listener, port = _server(BODY)
    link = Link(port, latency_ms=400, down_kbps=250, up_kbps=1000)
    link.start()
    yield link
    link.stop()
    listener.close()


def test_link_response_takes_latency_plus_size_over_rate(line):
    line.shaped = True
    seconds, received = _get(line.port)
    assert received > BODY
    # 0.4 s round trip + 1 s of body (+ the head, and the request at 1 Mbit/s): about 1.4 s
    assert 1.35 < seconds < 2.0


def test_link_unshaped_is_immediate(line):
    seconds, _received = _get(line.port)
    assert seconds < 0.3


def test_link_two_responses_share_the_rate(line):
    line.shaped = True
    times = []
    threads = [threading.Thread(target=lambda: times.append(_get(line.port)[0])) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 2 s of bodies on one line: both end near 2.4 s, not 1.4 s each
    assert min(times) > 2.0
    assert max(times) < 3.2


def test_link_records_each_exchange(line):
    _get(line.port, "/static/vendor/bootstrap.css")
    deadline = time.monotonic() + 2
    while line.exchanges[-1].ended is None and time.monotonic() < deadline:
        time.sleep(0.01)
    exchange = line.exchanges[-1]
    assert (exchange.method, exchange.path, exchange.dest) == ("GET", "/static/vendor/bootstrap.css", "style")
    assert (exchange.status, exchange.content_type, exchange.kind) == (200, "text/css", "css")
    assert exchange.down > BODY
    assert exchange.by_page("/")


@pytest.mark.parametrize(
    ("path", "dest", "content_type", "by_page"),
    [
        ("/kelompok/1/", "document", "text/html", True),
        ("/kelompok/1/", "empty", "text/html", True),  # the page itself, fetched by the worker (network first)
        ("/kelompok/2/", "empty", "text/html", False),  # a page the worker keeps
        ("/static/css/app.1.css", "empty", "text/css", False),  # its precache
        ("/static/vendor/workbox-7.4.1/workbox-sw.js", "script", "text/javascript", False),
        ("/static/js/offline/pages.1.js", "script", "text/javascript", False),
        ("/static/js/offline/app.1.js", "script", "text/javascript", True),
        ("/sw.js", "serviceworker", "application/javascript", False),
    ],
)
def test_exchange_who_asked(path, dest, content_type, by_page):
    exchange = Exchange(started=0.0, path=path, dest=dest, content_type=content_type)
    assert exchange.by_page("/kelompok/1/") is by_page
