#!/usr/bin/python3
# smtp-sink.py — the tests' SMTP sink: aiosmtpd's own SMTP server and Mailbox
# handler (as `python3 -m aiosmtpd -c aiosmtpd.handlers.Mailbox` runs them),
# on a loopback port the system picks when it binds.
#
#   /usr/bin/python3 tests/smtp-sink.py MAILDIR READY_FILE
#
# Once it accepts connections it writes its address (127.0.0.1:PORT and a
# newline) to READY_FILE, whole (a temporary name, then renamed): nothing
# chooses a port first and hopes it stays free.  Stops on SIGTERM or SIGINT.
import asyncio
import os
import signal
import sys

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP


async def main(maildir, ready):
    loop = asyncio.get_running_loop()
    handler = Mailbox(maildir)
    server = await loop.create_server(lambda: SMTP(handler), host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    with open(ready + ".tmp", "w") as f:
        f.write(f"127.0.0.1:{port}\n")
    os.rename(ready + ".tmp", ready)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: smtp-sink.py MAILDIR READY_FILE")
    asyncio.run(main(sys.argv[1], sys.argv[2]))
