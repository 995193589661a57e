#!/usr/bin/env python3
"""A Relay subscriber over WebSocket, with aiohttp's client (aiohttp 3.8 or later, nothing else).

It connects to GET /ws with a subscriber token (JWT) in the Authorization header, or in the
cookie the relay reads at the handshake (relay.auth.cookie-name, default relay_token), prints
each notification as one JSON line on stdout, and keeps, per channel, the epoch and offset of
the last one. When the connection closes or drops it reconnects with a small backoff and a
cursor built from those positions, so it gets what was published while it was away: no gap, no
duplicate (within the relay's retention). Close codes that say "stop" end it (see STOP below).
Everything else (what happened, reconnects, warnings) goes to stderr.

    /usr/bin/python3 subscriber.py --url http://localhost:8080 --token "$TOKEN" --channel broadcast
    TOKEN=... CHANNEL=team:ops COUNT=10 /usr/bin/python3 subscriber.py --cookie

Exit codes: 0 after --count notifications, 2 refused at the handshake (400/401/403: fix the
token or the channels), 3 closed with a code that says not to reconnect, 4 too many failed
reconnects in a row (--max-retries).
"""

import argparse
import asyncio
import base64
import binascii
import json
import os
import random
import sys
import zlib

import aiohttp
from yarl import URL

# Close codes after which reconnecting would not help (contract: "WebSocket: GET /ws").
# 1001 (shutting down), 4002 (slow consumer) and a dropped connection mean: reconnect and resume.
STOP = {
    1003: "binary frame sent: fix the client",
    1008: "policy violation: fix the client",
    1009: "frame too large: fix the client",
    4001: "token expired: get a new token (see --token-file)",
    4003: "disconnected by the publisher API",
}
# Handshake refusals that a retry would only repeat.
FATAL_STATUS = {400, 401, 403, 404, 426}


def log(*parts):
    print("subscriber:", *parts, file=sys.stderr, flush=True)


# ---- the cursor (docs/protocol.md, "The cursor"): base64url, no padding, of
# "v1\n" + "<channel> <epoch> <offset>\n" per channel + CRC-32 of that text as 8 hex digits.

def encode_cursor(positions):
    text = "v1\n" + "".join(f"{channel} {epoch} {offset}\n" for channel, (epoch, offset) in positions.items())
    text += "%08x" % zlib.crc32(text.encode("ascii"))
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def decode_cursor(cursor):
    """Positions named by a cursor that another transport (polling, SSE) handed out."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise ValueError(f"not a cursor: {e}") from None
    body, _, checksum = text.rpartition("\n")
    body += "\n"
    if checksum != "%08x" % zlib.crc32(body.encode("ascii")):
        raise ValueError("not a cursor: checksum mismatch")
    lines = body.split("\n")[:-1]
    if lines[0] != "v1":
        raise ValueError("not a cursor: unknown version")
    positions = {}
    for line in lines[1:]:
        channel, epoch, offset = line.split(" ")
        positions[channel] = (epoch, int(offset))
    return positions


class Subscriber:
    def __init__(self, args):
        self.args = args
        self.positions = decode_cursor(args.cursor) if args.cursor else {}
        self.received = 0
        self.token = args.token

    def ws_url(self):
        url = URL(self.args.url)
        if url.scheme in ("http", "https"):
            url = url.with_scheme("ws" if url.scheme == "http" else "wss")
        if url.path in ("", "/"):
            url = url.with_path("/ws")
        return url

    def http_origin(self):
        url = self.ws_url()
        return str(url.with_scheme("https" if url.scheme == "wss" else "http").origin())

    def read_token(self):
        if self.args.token_file:
            with open(self.args.token_file, encoding="ascii") as f:
                self.token = f.read().strip()
        if not self.token:
            raise SystemExit("subscriber: no token: pass --token, TOKEN or --token-file")

    # ---- frames

    def on_welcome(self, welcome):
        if welcome.get("type") != "welcome":
            log("expected a welcome first, got", json.dumps(welcome))
            return
        log("welcome", json.dumps(welcome, separators=(",", ":")))
        for entry in welcome["channels"]:
            channel, epoch, offset = entry["channel"], entry["epoch"], entry["offset"]
            known = self.positions.get(channel)
            if known is None:
                # subscribed from now: what comes next is after this offset
                self.positions[channel] = (epoch, offset)
            elif known[0] != epoch:
                # its history was lost: everything retained in the new epoch is replayed
                self.positions[channel] = (epoch, 0)
            if not entry.get("recovered", True):
                log(f"{channel}: recovered=false, notifications may have been missed; refetch your state")

    def on_notification(self, notification):
        """Prints it unless it is one already printed; True when it was new."""
        channel, epoch, offset = notification["channel"], notification["epoch"], notification["offset"]
        known = self.positions.get(channel)
        if known is not None and known[0] == epoch and offset <= known[1]:
            log(f"{channel}: duplicate offset {offset} dropped")
            return False
        self.positions[channel] = (epoch, offset)
        print(json.dumps(notification, separators=(",", ":")), flush=True)
        self.received += 1
        return True

    def done(self):
        return self.args.count > 0 and self.received >= self.args.count

    # ---- one connection: returns the close code (None when it dropped without one)

    async def connect_once(self, session):
        params = [("channel", channel) for channel in self.args.channel]
        if self.positions:
            params.append(("cursor", encode_cursor(self.positions)))
        headers = {}
        origin = None
        if self.args.cookie:
            # the session's cookie jar holds the token; a cookie needs the relay's own (or an allowed) Origin
            session.cookie_jar.update_cookies({self.args.cookie_name: self.token}, response_url=URL(self.http_origin()))
            origin = self.args.origin or self.http_origin()
        else:
            headers["Authorization"] = f"Bearer {self.token}"
            origin = self.args.origin
        log("connecting", "with cursor" if self.positions else "from now",
            "(cookie)" if self.args.cookie else "(header)")
        async with session.ws_connect(self.ws_url(), params=params, headers=headers, origin=origin,
                                      protocols=("relay.v1",), autoping=True,
                                      heartbeat=self.args.heartbeat or None) as ws:
            try:
                self.on_welcome(await ws.receive_json())
            except TypeError:  # closed or dropped before the welcome: not a text frame
                return ws.close_code if ws.close_code not in (None, 1000) else None
            self.failures = 0
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    frame = json.loads(msg.data)
                    kind = frame.get("type")
                    if kind == "notification":
                        self.on_notification(frame)
                        if self.done():
                            await ws.close()
                            return 1000
                    elif kind == "error":
                        log("error frame", msg.data)
                    elif kind in ("subscribed", "unsubscribed", "inbox", "pong"):
                        log(kind, msg.data)
                elif msg.type == aiohttp.WSMsgType.ERROR:
                    log("connection error:", ws.exception())
                    break
            # aiohttp reports 1000 when the peer vanished without a close frame, as when it sent 1000
            code = ws.close_code
            log("closed", code)
            return code

    async def run(self):
        args = self.args
        self.read_token()
        jar = aiohttp.CookieJar(unsafe=True)  # unsafe: also keep cookies for IP hosts such as 127.0.0.1
        backoff = args.backoff
        self.failures = 0
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            while True:
                retry_after = 0.0
                try:
                    code = await self.connect_once(session)
                except aiohttp.WSServerHandshakeError as e:
                    if e.status in FATAL_STATUS:
                        log(f"handshake refused: {e.status} {e.message}")
                        return 2
                    code = None
                    retry_after = parse_retry_after(e.headers.get("Retry-After") if e.headers else None)
                    log(f"handshake answered {e.status}, retrying")
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as e:
                    code = None
                    log("connection failed:", type(e).__name__, e)
                if self.done():
                    return 0
                if code in STOP:
                    if code == 4001 and args.token_file:
                        self.read_token()
                        log("token expired: reconnecting with the token file's current token")
                    else:
                        log(f"closed with {code}: {STOP[code]}; not reconnecting")
                        return 3
                if code is not None:
                    backoff = args.backoff  # it was connected: start the backoff again
                self.failures += 1
                if args.max_retries and self.failures > args.max_retries:
                    log(f"{args.max_retries} reconnects in a row failed; giving up")
                    return 4
                delay = max(retry_after, backoff * random.uniform(0.5, 1.0))
                log(f"reconnecting in {delay:.2f}s")
                await asyncio.sleep(delay)
                backoff = min(backoff * 2, args.max_backoff)


def parse_retry_after(value):
    try:
        return min(float(value), 60.0) if value else 0.0
    except ValueError:
        return 1.0


def main(argv=None):
    env = os.environ.get
    p = argparse.ArgumentParser(description="Relay WebSocket subscriber (aiohttp)")
    p.add_argument("--url", default=env("BASE_URL", "http://localhost:8080"),
                   help="relay base URL (http[s]:// or ws[s]://); env BASE_URL, default %(default)s")
    p.add_argument("--token", default=env("TOKEN"), help="subscriber JWT; env TOKEN")
    p.add_argument("--token-file", default=env("TOKEN_FILE"),
                   help="read the JWT from this file, again after a 4001 (token expired); env TOKEN_FILE")
    p.add_argument("--channel", action="append",
                   default=[c for c in env("CHANNEL", "").split(",") if c],
                   help="extra channel (repeatable; the personal user:<sub> is always subscribed); "
                        "env CHANNEL, comma-separated")
    p.add_argument("--count", type=int, default=int(env("COUNT", "0")),
                   help="exit after this many notifications (0: never); env COUNT")
    p.add_argument("--cookie", action="store_true", default=env("AUTH", "header") == "cookie",
                   help="send the token as a cookie at the handshake instead of the header; env AUTH=cookie")
    p.add_argument("--cookie-name", default=env("COOKIE_NAME", "relay_token"),
                   help="the relay's relay.auth.cookie-name; env COOKIE_NAME, default %(default)s")
    p.add_argument("--origin", default=env("ORIGIN"),
                   help="Origin header (with --cookie it defaults to the relay's own origin); env ORIGIN")
    p.add_argument("--cursor", default=env("CURSOR"),
                   help="start from this cursor (e.g. one from polling or SSE); env CURSOR")
    p.add_argument("--heartbeat", type=float, default=float(env("HEARTBEAT", "20")),
                   help="seconds between client pings; no pong within half of it: reconnect (0: off)")
    p.add_argument("--backoff", type=float, default=float(env("BACKOFF", "0.25")),
                   help="first reconnect delay in seconds, doubled per failure up to --max-backoff")
    p.add_argument("--max-backoff", type=float, default=float(env("MAX_BACKOFF", "10")))
    p.add_argument("--max-retries", type=int, default=int(env("MAX_RETRIES", "0")),
                   help="give up after this many failed reconnects in a row (0: never)")
    args = p.parse_args(argv)
    try:
        return asyncio.run(Subscriber(args).run())
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
