"""A real SMTP server for tests (aiosmtpd), on 127.0.0.1 and a free port chosen by the OS.

Usage: /usr/bin/python3 smtp_server.py MAILDIR
Prints "READY <port>" once listening. Each accepted message is written raw to MAILDIR/<n>.eml, with the envelope in
MAILDIR/<n>.json. Replies are scripted by the recipient's local part:
  reject              550 at RCPT (permanent)
  reject-data         554 after DATA (permanent)
  tempfail-once       451 at RCPT the first time for that address, then accepted
  tempfail-data-once  451 after DATA the first time for that address, then accepted
Anything else is accepted with 250.
"""
import asyncio
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, box):
        self.box = box
        self.failed_once = set()
        self.count = 0

    def _first_time(self, key):
        if key in self.failed_once:
            return False
        self.failed_once.add(key)
        return True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local == "reject":
            return "550 5.1.1 Mailbox unavailable"
        if local == "tempfail-once" and self._first_time(("rcpt", address.lower())):
            return "451 4.3.0 Temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            local = address.split("@")[0].lower()
            if local == "reject-data":
                return "554 5.7.1 Message rejected"
            if local == "tempfail-data-once" and self._first_time(("data", address.lower())):
                return "451 4.3.0 Temporary failure after data, try again later"
        self.count += 1
        name = os.path.join(self.box, "%06d" % self.count)
        content = envelope.original_content or envelope.content
        with open(name + ".tmp", "wb") as f:
            f.write(content)
        with open(name + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        # Rename last, so a reader never sees half a message.
        os.rename(name + ".tmp", name + ".eml")
        return "250 2.0.0 Ok: queued as %06d" % self.count


async def main(box):
    os.makedirs(box, exist_ok=True)
    handler = Handler(box)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, decode_data=False, hostname="smtp.test"), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print("READY %d" % port, flush=True)
    # Stop when the test process closes our stdin (or dies).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
