#!/usr/bin/python3
"""balancer.py READY CONFIG: haproxy on a loopback port taken without a race.

The listening socket is bound here (port 0: the kernel picks a free one) and
kept open, its address written to READY, then this process becomes haproxy
(exec: the PID the caller holds is haproxy's), which serves the socket it
inherits as fd 3 (`bind fd@3` in CONFIG).  Connections that come before
haproxy is ready wait in the socket's backlog; none is refused."""
import os
import socket
import sys

ready, config = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(256)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
host, port = s.getsockname()
with open(ready + ".tmp", "w") as f:
    f.write(f"{host}:{port}\n")
os.rename(ready + ".tmp", ready)
os.execvp("haproxy", ["haproxy", "-db", "-f", config])
