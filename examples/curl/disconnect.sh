#!/bin/sh
# Close every live connection of a user: DELETE /api/v1/users/{id}/connections with the publisher
# key. WebSockets get close code 4003, SSE streams end with event: close (reconnect:false), waiting
# long-polls answer with "close". Prints {"closed":n}.
#   BASE_URL        relay base URL     (default http://localhost:8080)
#   PUBLISHER_KEY   publisher key      (default dev-publisher-key)
#   USER_ID         the token's sub    (default demo)
set -eu
BASE_URL=${BASE_URL:-http://localhost:8080}
PUBLISHER_KEY=${PUBLISHER_KEY:-dev-publisher-key}
USER_ID=${USER_ID:-demo}

exec curl -sS --fail-with-body -X DELETE \
  -H "Authorization: Bearer $PUBLISHER_KEY" \
  "$BASE_URL/api/v1/users/$USER_ID/connections"
