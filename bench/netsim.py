"""A loopback git server and a TCP proxy that delays traffic, for benchmarks and tests.

``GitDaemon`` serves every repository under a directory over ``git://127.0.0.1:PORT/``.
``DelayProxy`` forwards a local port to another one and delivers each chunk it relays
``delay`` seconds after it arrived, in both directions: a long network path, which is what
makes git's request/response rounds slow. Both only ever listen on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import functools
import queue
import socket
import subprocess
import threading
import time
from pathlib import Path
from types import TracebackType

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_listening(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class GitDaemon:
    """``git daemon`` exporting every repository below ``base`` on a free loopback port."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, name: str, port: int | None = None) -> str:
        return f"git://{HOST}:{port or self.port}/{name}"

    def __enter__(self) -> GitDaemon:
        for _ in range(5):
            self.port = free_port()
            self.proc = subprocess.Popen(
                [
                    "git",
                    "daemon",
                    "--reuseaddr",
                    "--export-all",
                    "--informative-errors",
                    f"--base-path={self.base}",
                    f"--listen={HOST}",
                    f"--port={self.port}",
                    "--max-connections=64",
                    str(self.base),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_listening(self.port, timeout=5)
                return self
            except OSError:
                self.proc.kill()
                self.proc.wait()
        raise RuntimeError("git daemon did not start")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class DelayProxy:
    """Forward 127.0.0.1:port to 127.0.0.1:target; each chunk arrives ``delay`` s after it left.

    This is a long network path, not a slow one: every chunk read from one side is written to
    the other side at its arrival time plus ``delay``, in order, while later chunks are already
    on their way. A reply that git writes in several pieces therefore arrives as a whole one
    delay later. (Sleeping before each forward instead would add the delay once per piece,
    which throttles bandwidth and makes the cost of a round trip depend on how the peer
    happens to split its writes.)
    """

    def __init__(self, target: int, delay: float = 0.025) -> None:
        self.target = target
        self.delay = delay
        self.port = 0
        self._server: socket.socket | None = None
        self._open: set[socket.socket] | None = set()  # None once closed
        self._lock = threading.Lock()

    def __enter__(self) -> DelayProxy:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, 0))
        server.listen(128)
        self._server = server
        self.port = int(server.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() below
            self._server.close()
        with self._lock:
            still_open, self._open = self._open or set(), None
        for sock in still_open:
            self._hang_up(sock)

    def _accept(self) -> None:
        assert self._server is not None
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return  # closed by __exit__
            try:
                upstream = socket.create_connection((HOST, self.target))
            except OSError:
                client.close()
                continue
            pair = (client, upstream)
            for sock in pair:
                # Forward each chunk as soon as it is due: the delay is ours to add, not Nagle's.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                if self._open is None:  # the proxy closed while this one was connecting
                    for sock in pair:
                        self._hang_up(sock)
                else:
                    self._open.update(pair)
            ends = threading.Barrier(2, action=functools.partial(self._close, pair))
            for src, dst in (pair, pair[::-1]):
                chunks: queue.SimpleQueue[tuple[float, bytes]] = queue.SimpleQueue()
                threading.Thread(target=self._receive, args=(src, chunks), daemon=True).start()
                threading.Thread(
                    target=self._deliver, args=(chunks, dst, ends), daemon=True
                ).start()

    def _receive(self, src: socket.socket, chunks: queue.SimpleQueue[tuple[float, bytes]]) -> None:
        """Stamp every chunk from ``src`` with the time it is due; b"" marks the end."""
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            chunks.put((time.monotonic() + self.delay, data))
            if not data:
                return

    def _deliver(
        self,
        chunks: queue.SimpleQueue[tuple[float, bytes]],
        dst: socket.socket,
        ends: threading.Barrier,
    ) -> None:
        try:
            while True:
                due, data = chunks.get()
                time.sleep(max(0.0, due - time.monotonic()))
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)  # pass the end of the stream on, a delay late
            with contextlib.suppress(threading.BrokenBarrierError):
                ends.wait()  # the second direction to end closes both sockets

    @staticmethod
    def _hang_up(sock: socket.socket) -> None:
        """End both directions: a blocked recv() returns, and the connection's threads end."""
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def _close(self, pair: tuple[socket.socket, socket.socket]) -> None:
        with self._lock:
            if self._open is not None:
                self._open.difference_update(pair)
        for sock in pair:
            sock.close()
