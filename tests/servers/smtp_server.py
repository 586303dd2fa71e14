"""A real SMTP server for Guildhall's tests (aiosmtpd on 127.0.0.1), in the foreground.

    python tests/servers/smtp_server.py --port 0 (--out DIR | --discard)
        [--tls-cert CERT --tls-key KEY]   offer STARTTLS with this certificate
        [--implicit-tls]                  with --tls-cert/--tls-key: TLS from the first byte instead
        [--auth USER:PASSWORD]            require AUTH (PLAIN or LOGIN) before MAIL
        [--discard]                       store nothing, answer as if stored (benchmarks)

Prints `READY <port>` on stdout once listening. Each accepted message is written to DIR as
`<n>.json` (the envelope: {"from": ..., "to": [...]}) and then `<n>.eml` (the raw bytes as
received, dot-stuffing undone), each atomically (a temporary file, then a rename), before the
server answers 250. Stops cleanly on SIGTERM or SIGINT.

What happens depends on the recipient's local part, so tests can provoke every kind of failure:
    reject-*@...    550 at RCPT
    busy-*@...      450 at RCPT
    flaky-*@...     450 the first time this address is seen, accepted afterwards
    drop-*@...      the message's data is read, then the connection is closed without an answer
                    and nothing is stored (the client cannot know whether it was delivered)
    dropkeep-*@...  the message is stored, then the connection is closed without an answer
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, out, discard=False):
        self.out = out
        self.discard = discard
        self.count = 0
        self.seen = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject-"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such user"
        if local.startswith("busy-"):
            return f"450 4.2.1 <{address}>: Mailbox busy, try again later"
        if local.startswith("flaky-") and address not in self.seen:
            self.seen.add(address)
            return f"450 4.3.2 <{address}>: Not now, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        locals_ = [a.split("@", 1)[0].lower() for a in envelope.rcpt_tos]
        if any(l.startswith("drop-") for l in locals_):
            server.transport.close()
            return "250 2.0.0 never seen by the client"
        n = self.store(envelope)
        if any(l.startswith("dropkeep-") for l in locals_):
            server.transport.close()
            return "250 2.0.0 never seen by the client"
        return f"250 2.0.0 Ok: queued as {n}"

    def store(self, envelope):
        self.count += 1
        n = self.count
        if self.discard:
            return n
        meta = {"from": envelope.mail_from, "to": list(envelope.rcpt_tos)}
        write_atomically(os.path.join(self.out, f"{n}.json"), json.dumps(meta).encode())
        write_atomically(os.path.join(self.out, f"{n}.eml"), envelope.original_content)
        return n


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False)

    return check


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--out")
    parser.add_argument("--discard", action="store_true")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth", help="USER:PASSWORD")
    args = parser.parse_args()
    if args.discard == bool(args.out):
        parser.error("give either --out DIR or --discard")
    if args.out:
        os.makedirs(args.out, exist_ok=True)

    context = None
    if args.tls_cert or args.tls_key:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    elif args.implicit_tls:
        parser.error("--implicit-tls needs --tls-cert and --tls-key")

    options = {"hostname": "guildhall-test-smtp", "ident": "Guildhall test SMTP"}
    if context is not None and not args.implicit_tls:
        options["tls_context"] = context
    if args.auth:
        # Plain AUTH on 127.0.0.1 is what the tests want; aiosmtpd warns about it.
        warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
        user, _, password = args.auth.partition(":")
        options.update(
            authenticator=authenticator(user, password),
            auth_required=True,
            auth_require_tls=False,
        )

    handler = Handler(args.out, discard=args.discard)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, **options),
        host="127.0.0.1",
        port=args.port,
        ssl=context if args.implicit_tls else None,
    )
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
