"""Socket helpers shared by the stack's readiness probes (stdlib only: no driver is installed
for them). Probes put this folder on sys.path, or run with it in PYTHONPATH."""
import socket


def recv_exact(sock: socket.socket, n: int) -> bytes:
    """Reads exactly n bytes; a peer that closes first is not ready."""
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed")
        buf += chunk
    return buf
