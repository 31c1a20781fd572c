#!/usr/bin/python3
# relay.py — a loopback TCP port that the system picks and that stays held,
# relayed to a Unix socket.  For a test peer that must be reached at one
# address over several runs (a démarche site's redirect URI, registered once,
# served by each run of tests/oidc/rp.mjs on the Unix socket): the port is
# bound once, here, and never released between the runs.
#
#   /usr/bin/python3 tests/relay.py READY_FILE UNIX_PATH
#
# Once it accepts connections it writes 127.0.0.1:PORT and a newline to
# READY_FILE, whole (a temporary name, then renamed).  Each connection is
# piped both ways to UNIX_PATH; when nothing listens there it is closed.
import asyncio
import os
import signal
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def serve(path, client_reader, client_writer):
    try:
        reader, writer = await asyncio.open_unix_connection(path)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pipe(client_reader, writer), pipe(reader, client_writer))


async def main(ready, path):
    server = await asyncio.start_server(lambda r, w: serve(path, r, w), host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    with open(ready + ".tmp", "w") as f:
        f.write(f"127.0.0.1:{port}\n")
    os.rename(ready + ".tmp", ready)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: relay.py READY_FILE UNIX_PATH")
    asyncio.run(main(sys.argv[1], sys.argv[2]))
