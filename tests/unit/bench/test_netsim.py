"""The benchmark's delay proxy delays every chunk without throttling the stream."""

from __future__ import annotations

import socket
import threading
import time

from bench.netsim import HOST, DelayProxy

DELAY = 0.3  # long enough that scheduling jitter on a busy CI machine stays well inside it
PIECES = 5


def test_pieces_written_together_arrive_together_one_delay_late() -> None:
    sent: list[float] = []

    with socket.create_server((HOST, 0)) as server:

        def reply() -> None:
            conn, _ = server.accept()
            with conn:
                conn.recv(16)  # the request
                for i in range(PIECES):
                    sent.append(time.monotonic())
                    conn.sendall(b"%d\n" % i)
                    time.sleep(0.01)  # separate writes, as git's pkt-lines are

        threading.Thread(target=reply, daemon=True).start()
        with (
            DelayProxy(server.getsockname()[1], delay=DELAY) as proxy,
            socket.create_connection((HOST, proxy.port)) as client,
        ):
            asked = time.monotonic()
            client.sendall(b"go")
            received, arrived = b"", []
            while received.count(b"\n") < PIECES:
                chunk = client.recv(64)
                assert chunk, "the proxy closed the stream early"
                received += chunk
                arrived += [time.monotonic()] * chunk.count(b"\n")

    assert received == b"".join(b"%d\n" % i for i in range(PIECES))
    assert sent[0] - asked >= DELAY  # the request was held on its way
    lags = [a - s for s, a in zip(sent, arrived, strict=True)]
    assert min(lags) >= DELAY  # every piece of the reply was held too
    # ... but only once: a piece is not queued behind the hold of the one before it (a proxy
    # that slept before each forward would deliver the second piece nearly 2 * DELAY late).
    assert max(lags) < 1.5 * DELAY


def test_end_of_stream_is_passed_on_and_exit_closes_open_connections() -> None:
    with socket.create_server((HOST, 0)) as server:
        with DelayProxy(server.getsockname()[1], delay=0.01) as proxy:
            client = socket.create_connection((HOST, proxy.port))
            upstream, _ = server.accept()
            upstream.sendall(b"bye")
            upstream.close()
            assert client.recv(16) == b"bye"
            assert client.recv(16) == b""  # the upstream's close reached the client
            client.close()
            other = socket.create_connection((HOST, proxy.port))
            held, _ = server.accept()
        other.settimeout(5)
        assert other.recv(16) == b""  # leaving the proxy ended the connection still open
        other.close()
        held.close()
