#!/bin/sh
# Long-polling: GET /api/v1/notifications/long-poll answers as soon as something is pending, else
# when something arrives, else after TIMEOUT seconds with an empty list and the same cursor.
#   BASE_URL   relay base URL                                   (default http://localhost:8080)
#   TOKEN      subscriber JWT (required)
#   CHANNEL    extra channel besides the personal user:<sub>    (default broadcast; empty: none)
#   CURSOR     where the last answer left off (get a first one from poll.sh)
#   TIMEOUT    seconds to wait, 1 to 60                         (default 25)
# Prints the same JSON as poll.sh; when the relay ended the wait it carries
# "close":{"code":...,"reconnect":true|false}.
set -eu
BASE_URL=${BASE_URL:-http://localhost:8080}
: "${TOKEN:?set TOKEN to a subscriber JWT}"
CHANNEL=${CHANNEL-broadcast}
TIMEOUT=${TIMEOUT:-25}

exec curl -sS --fail-with-body -G --max-time $((TIMEOUT + 10)) \
  -H "Authorization: Bearer $TOKEN" \
  ${CHANNEL:+--data-urlencode "channel=$CHANNEL"} \
  ${CURSOR:+--data-urlencode "cursor=$CURSOR"} \
  --data-urlencode "timeout=$TIMEOUT" \
  "$BASE_URL/api/v1/notifications/long-poll"
