#!/usr/bin/env python3
"""A loopback SMTP sink for scripts/cluster and scripts/chaos (aiosmtpd, from PyPI).

Accepts every message and appends one JSON line per message to --out, written and
fsynced before the 250 answer, so a message the sender saw accepted is on disk:

    {"received_at": 1764441234.5, "message_id": "<outbox-12@127.0.0.1>",
     "mail_from": "...", "rcpt_tos": ["..."], "subject": "...", "bytes": 4567}

A message sent twice appears twice: the point is to count deliveries.

    var/venv/chaos/bin/python scripts/smtp_sink.py --port 6025 --out var/cluster/smtp/messages.jsonl
"""

import argparse
import asyncio
import email.parser
import email.policy
import json
import os
import signal
import time

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.file = open(path, "a", encoding="utf-8")
        self.parser = email.parser.BytesHeaderParser(policy=email.policy.default)

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        headers = self.parser.parsebytes(content)
        record = {
            "received_at": time.time(),
            "message_id": (headers.get("Message-ID") or "").strip(),
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "subject": str(headers.get("Subject") or ""),
            "bytes": len(content),
        }
        self.file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.file.flush()
        os.fsync(self.file.fileno())
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6025)
    parser.add_argument("--out", required=True, help="JSON lines file, appended to")
    args = parser.parse_args()
    if not args.host.startswith("127.") and args.host not in ("::1", "localhost"):
        parser.error("the sink listens on loopback only")

    recorder = Recorder(args.out)
    # SMTPUTF8 for addresses with accents; no size limit beyond aiosmtpd's default (32 MiB).
    controller = Controller(recorder, hostname=args.host, port=args.port, enable_SMTPUTF8=True)
    controller.start()
    print(f"SMTP sink on {args.host}:{args.port}, recording to {args.out}", flush=True)

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()
    recorder.file.close()


if __name__ == "__main__":
    main()
