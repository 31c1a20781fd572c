#!/usr/bin/python3
# abuse.py — hostile HTTP clients for tests/abuse.bats, on raw sockets (curl
# and libac refuse to send most of this).  Each command prints one JSON line
# saying what the server did, so the test asserts on it with jq.
#
#   abuse.py raw HOST:PORT FILE          send FILE's bytes as they are; print
#                                        {"status":N|null,"body":...}
#   abuse.py chunked HOST:PORT PATH MiB  a chunked POST of MiB mebibytes of
#                                        "[": {"status","sent_mib"}
#   abuse.py length HOST:PORT PATH BYTES a POST announcing Content-Length BYTES
#                                        then sending until refused
#   abuse.py headers HOST:PORT N BYTES   a GET with N headers of BYTES each
#   abuse.py slow HOST:PORT N SECONDS [body]
#                                        N clients sending one byte a second of
#                                        a request (its headers, or a body
#                                        after whole headers) for SECONDS:
#                                        {"closed_by_server":K,"after_s":[...]}
#   abuse.py paths HOST:PORT FILE [TOKEN]
#                                        each "METHOD PATH" line of FILE sent
#                                        as it is written (no normalizing),
#                                        with the bearer TOKEN if given: one
#                                        {"method","path","status","body"}
#                                        line each
#   abuse.py idle HOST:PORT N READY_FILE [SOURCE_IP]
#                                        N connections opened and left silent;
#                                        READY_FILE written once all are
#                                        connected; held until SIGTERM, then
#                                        {"opened":N,"closed_by_server":K}
import json
import os
import select
import signal
import socket
import sys
import time


def addr(spec):
    host, port = spec.rsplit(":", 1)
    return host, int(port)


def connect(spec, source=None, timeout=30):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect(addr(spec))
    return s


def read_reply(s, limit=1 << 20):
    """The status and body of what the server answered (None if it closed
    without a status line)."""
    data = b""
    try:
        while len(data) < limit:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            head, sep, rest = data.partition(b"\r\n\r\n")
            if sep:
                length = None
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length is not None and len(rest) >= length:
                    break
                if rest.endswith(b"0\r\n\r\n"):
                    break
    except (ConnectionError, socket.timeout):
        pass
    if not data.startswith(b"HTTP/1."):
        return None, ""
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"\r\ntransfer-encoding: chunked" in head.lower():
        body = unchunk(body)
    return status, body.decode("utf-8", "replace")


def unchunk(data):
    body = b""
    while data:
        size, _, rest = data.partition(b"\r\n")
        n = int(size.split(b";")[0] or b"0", 16)
        if n == 0:
            break
        body += rest[:n]
        data = rest[n + 2:]
    return body


def out(obj):
    print(json.dumps(obj), flush=True)


def cmd_raw(spec, path):
    with open(path, "rb") as f:
        request = f.read()
    s = connect(spec)
    try:
        s.sendall(request)
    except ConnectionError:
        pass
    status, body = read_reply(s)
    out({"status": status, "body": body})


def send_until_refused(s, chunks):
    """Sends the chunks while the server reads; returns the bytes sent before
    it answered or closed."""
    sent = 0
    s.setblocking(False)
    for chunk in chunks:
        view = memoryview(chunk)
        while view:
            r, w, _ = select.select([s], [s], [], 30)
            if r:
                return sent, True  # an answer (or the close) came first
            if not w:
                return sent, False
            try:
                n = s.send(view)
            except (BlockingIOError, InterruptedError):
                continue
            except ConnectionError:
                return sent, True
            sent += n
            view = view[n:]
    return sent, False


def finish(s, sent):
    s.setblocking(True)
    s.settimeout(30)
    status, body = read_reply(s)
    out({"status": status, "sent_mib": round(sent / (1 << 20), 1), "body": body[:300]})


def cmd_chunked(spec, path, mib):
    s = connect(spec)
    s.sendall(("POST %s HTTP/1.1\r\nHost: abuse\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: chunked\r\n\r\n" % path).encode())
    piece = b"[" * (1 << 20)
    chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
    sent, _ = send_until_refused(s, (chunk for _ in range(int(mib))))
    finish(s, sent)


def cmd_length(spec, path, nbytes):
    s = connect(spec)
    s.sendall(("POST %s HTTP/1.1\r\nHost: abuse\r\nContent-Type: application/json\r\n"
               "Content-Length: %d\r\n\r\n" % (path, int(nbytes))).encode())
    piece = b"[" * (1 << 20)
    sent, _ = send_until_refused(s, (piece for _ in range(int(nbytes) >> 20)))
    finish(s, sent)


def cmd_headers(spec, n, size):
    s = connect(spec)
    head = b"GET /v1/health HTTP/1.1\r\nHost: abuse\r\n"
    value = b"v" * int(size)
    sent, answered = send_until_refused(
        s, (((head if i == 0 else b"") + b"X-Flood-%d: %s\r\n" % (i, value))
            for i in range(int(n))))
    if not answered:
        send_until_refused(s, [b"\r\n"])
    finish(s, sent)


def cmd_slow(spec, n, seconds, what="headers"):
    n, seconds = int(n), int(seconds)
    if what == "body":
        prefix = (b"POST /v1/session HTTP/1.1\r\nHost: abuse\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000\r\n\r\n")
        trickle = b'{"email":"' + b"a" * 990
    else:
        prefix = b""
        trickle = b"GET /v1/health HTTP/1.1\r\nHost: abuse\r\nX-Slow: " + b"s" * 1000
    socks = []
    for _ in range(n):
        s = connect(spec)
        s.sendall(prefix)
        s.setblocking(False)
        socks.append(s)
    start = time.monotonic()
    closed = {}
    for i in range(seconds):
        for k, s in enumerate(socks):
            if k in closed:
                continue
            try:
                if s.recv(4096) == b"":
                    closed[k] = time.monotonic() - start
                    continue
            except BlockingIOError:
                pass
            except ConnectionError:
                closed[k] = time.monotonic() - start
                continue
            try:
                s.send(trickle[i:i + 1])
            except (BlockingIOError, ConnectionError):
                closed[k] = time.monotonic() - start
        time.sleep(max(0, start + i + 1 - time.monotonic()))
    out({"clients": n, "closed_by_server": len(closed),
         "after_s": sorted(round(t, 1) for t in closed.values())})


def cmd_paths(spec, path, token=None):
    auth = ("Authorization: Bearer %s\r\n" % token) if token else ""
    with open(path) as f:
        lines = [line.split(None, 1) for line in f if line.strip()]
    for method, target in lines:
        target = target.strip()
        body = "" if method in ("GET", "DELETE") else "{}"
        s = connect(spec)
        s.sendall(("%s %s HTTP/1.1\r\nHost: abuse\r\nConnection: close\r\n%s"
                   "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                   % (method, target, auth, len(body), body)).encode())
        status, reply = read_reply(s)
        s.close()
        out({"method": method, "path": target, "status": status, "body": reply[:300]})


def cmd_idle(spec, n, ready, source=None):
    n = int(n)
    socks = [connect(spec, source) for _ in range(n)]
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    tmp = ready + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % n)
    os.rename(tmp, ready)
    while not stop:
        signal.pause()
    closed = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except ConnectionError:
            closed += 1
    out({"opened": n, "closed_by_server": closed})


COMMANDS = {"raw": cmd_raw, "chunked": cmd_chunked, "length": cmd_length,
            "headers": cmd_headers, "slow": cmd_slow, "paths": cmd_paths,
            "idle": cmd_idle}

if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
