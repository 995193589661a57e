#!/bin/sh
# Polling: GET /api/v1/notifications answers at once.
#   BASE_URL   relay base URL                                   (default http://localhost:8080)
#   TOKEN      subscriber JWT (required)
#   CHANNEL    extra channel besides the personal user:<sub>    (default broadcast; empty: none)
#   CURSOR     where the last answer left off (empty: from now, an empty list and a cursor)
#   LIMIT      at most this many notifications, 1 to 1000       (default 100)
# Prints {"notifications":[...],"cursor":"...","recovered":true,"more":false}. Keep "cursor" and
# pass it as CURSOR next time; with "more":true poll again at once.
set -eu
BASE_URL=${BASE_URL:-http://localhost:8080}
: "${TOKEN:?set TOKEN to a subscriber JWT}"
CHANNEL=${CHANNEL-broadcast}
LIMIT=${LIMIT:-100}

exec curl -sS --fail-with-body -G \
  -H "Authorization: Bearer $TOKEN" \
  ${CHANNEL:+--data-urlencode "channel=$CHANNEL"} \
  ${CURSOR:+--data-urlencode "cursor=$CURSOR"} \
  --data-urlencode "limit=$LIMIT" \
  "$BASE_URL/api/v1/notifications"
