#!/usr/bin/env python3
"""Publishes one notification to Relay: POST /api/v1/notifications with the publisher key.

Standard library only (urllib). Every attempt carries the same Idempotency-Key, so a retry
(after 429 or 503, waiting what Retry-After says, or after a lost connection) never publishes
twice. Prints the 202 answer, {"id":...,"channels":[{"channel":...,"epoch":...,"offset":...}]},
as one JSON line on stdout; anything else goes to stderr.

    /usr/bin/python3 publisher.py --url http://localhost:8080 --key dev-publisher-key \
        --channel user:demo --event order.shipped --data '{"orderId":7}'

Exit codes: 0 published (202), 1 refused (400, 401, 413, 415: the problem is printed), 2 still
429/503 or unreachable after --attempts tries.
"""

import argparse
import email.utils
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
import uuid

RETRYABLE = {429, 503}


def log(*parts):
    print("publisher:", *parts, file=sys.stderr, flush=True)


def retry_after(value, fallback):
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return fallback
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return fallback


def publish(url, key, body, idempotency_key, attempts=5, timeout=10.0, max_wait=30.0):
    """Returns (status, parsed answer); retries 429/503 and connection failures with the same key."""
    payload = json.dumps(body, separators=(",", ":")).encode("utf-8")
    backoff = 0.5
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(url.rstrip("/") + "/api/v1/notifications", data=payload, method="POST",
                                         headers={"Authorization": f"Bearer {key}",
                                                  "Content-Type": "application/json",
                                                  "Idempotency-Key": idempotency_key})
        wait = backoff * random.uniform(0.5, 1.0)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                answer = json.loads(response.read())
                if response.headers.get("Idempotent-Replayed") == "true":
                    log("an earlier attempt had published it: this is its result")
                return response.status, answer
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace")
            if e.code not in RETRYABLE or attempt == attempts:
                return e.code, json.loads(text) if text.startswith("{") else {"detail": text}
            wait = min(retry_after(e.headers.get("Retry-After"), wait), max_wait)
            log(f"attempt {attempt}: {e.code}, retrying in {wait:.2f}s (Retry-After: {e.headers.get('Retry-After')})")
        except (urllib.error.URLError, OSError) as e:
            # the publish may or may not have reached the relay: the same Idempotency-Key makes the retry safe
            if attempt == attempts:
                return None, {"detail": str(e)}
            log(f"attempt {attempt}: {e}, retrying in {wait:.2f}s")
        time.sleep(wait)
        backoff = min(backoff * 2, max_wait)
    raise AssertionError("unreachable")


def main(argv=None):
    env = os.environ.get
    p = argparse.ArgumentParser(description="Publish one notification to Relay")
    p.add_argument("--url", default=env("BASE_URL", "http://localhost:8080"),
                   help="relay base URL; env BASE_URL, default %(default)s")
    p.add_argument("--key", default=env("PUBLISHER_KEY", "dev-publisher-key"),
                   help="publisher key; env PUBLISHER_KEY, default %(default)s (the dev profile's)")
    p.add_argument("--channel", action="append", help="channel (repeatable); env CHANNEL, default user:demo")
    p.add_argument("--event", default=env("EVENT"), help="event name (optional); env EVENT")
    p.add_argument("--data", default=env("DATA", '{"hello":"world"}'),
                   help="the notification's data, any JSON; env DATA, default %(default)s")
    p.add_argument("--idempotency-key", default=env("IDEMPOTENCY_KEY"),
                   help="Idempotency-Key (default: a new UUID); env IDEMPOTENCY_KEY")
    p.add_argument("--attempts", type=int, default=int(env("ATTEMPTS", "5")))
    args = p.parse_args(argv)

    body = {"data": json.loads(args.data)}
    channels = args.channel or env("CHANNEL", "user:demo").split(",")
    if len(channels) == 1:
        body["channel"] = channels[0]
    else:
        body["channels"] = channels
    if args.event:
        body["event"] = args.event
    key = args.idempotency_key or str(uuid.uuid4())

    status, answer = publish(args.url, args.key, body, key, attempts=args.attempts)
    if status == 202:
        print(json.dumps(answer, separators=(",", ":")), flush=True)
        return 0
    log(f"not published: {status or 'unreachable'}", json.dumps(answer))
    return 1 if status and status not in RETRYABLE else 2


if __name__ == "__main__":
    sys.exit(main())
