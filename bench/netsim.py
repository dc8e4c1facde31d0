"""A loopback git server and a TCP proxy that delays traffic, for benchmarks and tests.

``GitDaemon`` serves every repository under a directory over ``git://127.0.0.1:PORT/``.
``DelayProxy`` forwards a local port to another one and holds each chunk it relays for
``delay`` seconds, in both directions, which is what a long round trip does to git's
request/response protocol. Both only ever listen on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import selectors
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
    """Forward 127.0.0.1:port to 127.0.0.1:target, holding each relayed chunk ``delay`` s."""

    def __init__(self, target: int, delay: float = 0.025) -> None:
        self.target = target
        self.delay = delay
        self.port = 0
        self._server: socket.socket | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> DelayProxy:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, 0))
        server.listen(128)
        server.settimeout(0.2)
        self._server = server
        self.port = int(server.getsockname()[1])
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.close()

    def _accept(self) -> None:
        assert self._server is not None
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection((HOST, self.target))
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._serve, args=(client, upstream), daemon=True).start()

    def _serve(self, client: socket.socket, upstream: socket.socket) -> None:
        back = threading.Thread(target=self._pipe, args=(upstream, client), daemon=True)
        back.start()
        self._pipe(client, upstream)
        back.join()
        client.close()
        upstream.close()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        sel = selectors.DefaultSelector()
        sel.register(src, selectors.EVENT_READ)
        try:
            while not self._stop.is_set():
                if not sel.select(timeout=0.2):
                    continue
                data = src.recv(65536)
                if not data:
                    break
                time.sleep(self.delay)  # the simulated latency of this chunk
                dst.sendall(data)
        except OSError:
            pass
        finally:
            sel.close()
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)
