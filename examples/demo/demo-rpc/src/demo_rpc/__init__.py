"""demo-rpc: a small JSON-RPC style dispatcher, with retries and deadlines for callers."""

from __future__ import annotations

from demo_rpc.dispatch import Dispatcher, RpcError
from demo_rpc.retry import Deadline, DeadlineExceeded, retry

__all__ = ["Deadline", "DeadlineExceeded", "Dispatcher", "RpcError", "retry"]
