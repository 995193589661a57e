#!/bin/sh
# WebSocket: GET /ws. curl speaks WebSocket only when built with it ("ws" in the Protocols line of
# curl --version; Debian bookworm's curl 7.88 is not). Then this script uses ws:// and prints each
# message. Otherwise it sends the upgrade handshake itself and prints the 101 answer and the raw
# frames that follow: each server frame is 2 to 4 bytes of frame header, then the JSON text
# (welcome first, then notifications). It cannot answer pings, so use it to look, not to subscribe.
#   BASE_URL   relay base URL                                   (default http://localhost:8080)
#   TOKEN      subscriber JWT (required)
#   CHANNEL    extra channel besides the personal user:<sub>    (default broadcast; empty: none)
#   CURSOR     resume after this cursor
#   DURATION   seconds to stay connected                        (default 10)
set -eu
BASE_URL=${BASE_URL:-http://localhost:8080}
: "${TOKEN:?set TOKEN to a subscriber JWT}"
CHANNEL=${CHANNEL-broadcast}
DURATION=${DURATION:-10}

QUERY=""
[ -n "$CHANNEL" ] && QUERY="channel=$CHANNEL"
[ -n "${CURSOR:-}" ] && QUERY="${QUERY:+$QUERY&}cursor=$CURSOR"

if curl --version | grep -q '^Protocols:.* ws '; then
  WS_URL=$(printf '%s' "$BASE_URL" | sed 's#^http#ws#')
  exec curl -sS -N --max-time "$DURATION" -H "Authorization: Bearer $TOKEN" \
    -H 'Sec-WebSocket-Protocol: relay.v1' "$WS_URL/ws${QUERY:+?$QUERY}"
fi

# status 28 (--max-time reached) is how this ends: report it as success
curl -sS -i -N --http1.1 --max-time "$DURATION" \
  -H "Authorization: Bearer $TOKEN" \
  -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
  -H 'Sec-WebSocket-Version: 13' \
  -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
  -H 'Sec-WebSocket-Protocol: relay.v1' \
  "$BASE_URL/ws${QUERY:+?$QUERY}" || [ $? -eq 28 ]
