"""A real SMTP server for tests (aiosmtpd), on 127.0.0.1 and a free port chosen by the OS.

Usage: /usr/bin/python3 smtp_server.py MAILDIR [--tls starttls|implicit --cert PEM --key PEM] [--auth USER:PASSWORD]
Prints "READY <port>" once listening. With --tls starttls the server offers STARTTLS and refuses mail before it; with
--tls implicit it speaks TLS from the first byte. With --auth it requires AUTH PLAIN/LOGIN with that user and
password (over TLS when TLS is on) before MAIL FROM. Each accepted message is written raw to MAILDIR/<n>.eml, with the envelope in
MAILDIR/<n>.json. Replies are scripted by the recipient's local part:
  reject              550 at RCPT (permanent)
  reject-data         554 after DATA (permanent)
  tempfail-once       451 at RCPT the first time for that address, then accepted
  tempfail-data-once  451 after DATA the first time for that address, then accepted
Anything else is accepted with 250.
"""
import argparse
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


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


def authenticator_for(credentials):
    user, password = credentials.split(":", 1)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode() == user and auth_data.password.decode() == password)
        # handled=False: aiosmtpd then answers 535 itself (with the default, nothing is sent and the client waits).
        return AuthResult(success=ok, handled=False)

    return authenticate


async def main(args):
    os.makedirs(args.box, exist_ok=True)
    handler = Handler(args.box)
    context = None
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    options = {"decode_data": False, "hostname": "smtp.test"}
    if args.tls == "starttls":
        options.update(tls_context=context, require_starttls=True)
    if args.auth:
        # With implicit TLS the whole session is encrypted; aiosmtpd only knows about STARTTLS, so do not ask it to.
        options.update(authenticator=authenticator_for(args.auth), auth_required=True,
                       auth_require_tls=args.tls == "starttls")
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, **options), "127.0.0.1", 0,
                                      ssl=context if args.tls == "implicit" else None)
    port = server.sockets[0].getsockname()[1]
    print("READY %d" % port, flush=True)
    # Stop when the test process closes our stdin (or dies).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("box")
    parser.add_argument("--tls", choices=["starttls", "implicit"])
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth")
    asyncio.run(main(parser.parse_args()))
