#!/bin/sh
# Server-Sent Events: GET /api/v1/notifications/stream, printed as it arrives (curl -N: no buffering).
#   BASE_URL   relay base URL                                         (default http://localhost:8080)
#   TOKEN      subscriber JWT (required)
#   CHANNEL    extra channel besides the personal user:<sub>          (default broadcast; empty: none)
#   CURSOR     resume after this cursor (from a poll, or an event's id:), sent as Last-Event-ID
# Each notification is "event: notification", "id: <cursor after it>", "data: <json>". The stream
# runs until the relay ends it (event: close, whose "reconnect" says whether to resume) or Ctrl-C.
set -eu
BASE_URL=${BASE_URL:-http://localhost:8080}
: "${TOKEN:?set TOKEN to a subscriber JWT}"
CHANNEL=${CHANNEL-broadcast}

exec curl -sS -N --fail-with-body -G \
  -H "Authorization: Bearer $TOKEN" \
  -H 'Accept: text/event-stream' \
  ${CURSOR:+-H "Last-Event-ID: $CURSOR"} \
  ${CHANNEL:+--data-urlencode "channel=$CHANNEL"} \
  "$BASE_URL/api/v1/notifications/stream"
