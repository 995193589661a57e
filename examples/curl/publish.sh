#!/bin/sh
# Publish one notification: POST /api/v1/notifications with the publisher key.
#   BASE_URL        relay base URL                  (default http://localhost:8080)
#   PUBLISHER_KEY   publisher key                   (default dev-publisher-key, the dev profile's)
#   CHANNEL         target channel                  (default user:demo)
#   EVENT           event name                      (default example)
#   DATA            the notification's data, JSON   (default {"hello":"world"})
#   IDEMPOTENCY_KEY sent as Idempotency-Key when set: a retry with the same key publishes nothing new
# Prints the 202 body ({"id":...,"channels":[{"channel":...,"epoch":...,"offset":...}]});
# on an error prints the problem+json body and exits non-zero (22).
set -eu
BASE_URL=${BASE_URL:-http://localhost:8080}
PUBLISHER_KEY=${PUBLISHER_KEY:-dev-publisher-key}
CHANNEL=${CHANNEL:-user:demo}
EVENT=${EVENT:-example}
DATA=${DATA:-'{"hello":"world"}'}

exec curl -sS --fail-with-body \
  -H "Authorization: Bearer $PUBLISHER_KEY" \
  -H 'Content-Type: application/json' \
  ${IDEMPOTENCY_KEY:+-H "Idempotency-Key: $IDEMPOTENCY_KEY"} \
  --data-binary "{\"channel\":\"$CHANNEL\",\"event\":\"$EVENT\",\"data\":$DATA}" \
  "$BASE_URL/api/v1/notifications"
