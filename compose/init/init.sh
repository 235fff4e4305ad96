#!/bin/sh
# One-shot set-up of the search side of the local stack (run by the `init` service of docker-compose.yml, image
# curlimages/curl: POSIX sh + curl, no jq). Idempotent: every step is a PUT or an import with overwrite=true.
#
#   1. Elasticsearch ingest pipeline  code-delivery-document-id  (connect/ingest-pipeline.json)
#   2. Elasticsearch index template   code-delivery-routes       (connect/index-template.json)
#   3. Kafka Connect sinks            elasticsearch-sink-positions / -directions / -events (connect/elasticsearch-sink-*.json)
#   4. Kibana saved objects           (connect/kibana-saved-objects.ndjson)
#
# Order matters: the template names the pipeline as index.default_pipeline, and both must exist before the
# connectors create the route.* indices, or those indices would get dynamic mappings (position as two floats).
set -eu

ES_URL="${ES_URL:-http://elasticsearch:9200}"
CONNECT_URL="${CONNECT_URL:-http://connect:8083}"
KIBANA_URL="${KIBANA_URL:-http://kibana:5601}"
CONNECT_DIR="${CONNECT_DIR:-/connect}"
ATTEMPTS="${ATTEMPTS:-60}"   # x 5 s
RESPONSE=/tmp/init-response

log() { echo "[init] $*"; }

# wait_for NAME URL: until the URL answers 2xx.
wait_for() {
  i=0
  until curl -fsS -o /dev/null "$2"; do
    i=$((i + 1))
    if [ "$i" -ge "$ATTEMPTS" ]; then
      log "$1 did not answer at $2"
      exit 1
    fi
    sleep 5
  done
  log "$1 is up"
}

# send METHOD URL FILE: sends the JSON file, fails the script (printing the answer) unless the status is 2xx.
send() {
  code=$(curl -sS -o "$RESPONSE" -w '%{http_code}' -X "$1" -H 'Content-Type: application/json' \
    --data-binary "@$3" "$2") || code=000
  case "$code" in
    2??) log "$1 $2 -> $code" ;;
    *) log "$1 $2 -> $code"; cat "$RESPONSE" 2>/dev/null; echo; exit 1 ;;
  esac
}

wait_for elasticsearch "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=5s"
wait_for connect "$CONNECT_URL/connectors"
wait_for kibana "$KIBANA_URL/api/status"

# 1 + 2: pipeline, then the template that references it.
send PUT "$ES_URL/_ingest/pipeline/code-delivery-document-id" "$CONNECT_DIR/ingest-pipeline.json"
send PUT "$ES_URL/_index_template/code-delivery-routes" "$CONNECT_DIR/index-template.json"

# 3: connectors (PUT /connectors/<name>/config creates or updates, so re-running is safe).
for name in elasticsearch-sink-positions elasticsearch-sink-directions elasticsearch-sink-events; do
  send PUT "$CONNECT_URL/connectors/$name/config" "$CONNECT_DIR/$name.json"
done

# 4: Kibana saved objects. Kibana may still be migrating its own index right after it reports up: retry.
i=0
while :; do
  code=$(curl -sS -o "$RESPONSE" -w '%{http_code}' -X POST \
    "$KIBANA_URL/api/saved_objects/_import?overwrite=true" \
    -H 'kbn-xsrf: true' \
    --form "file=@$CONNECT_DIR/kibana-saved-objects.ndjson") || code=000
  if [ "$code" = 200 ]; then
    if grep -q '"success":true' "$RESPONSE"; then
      log "Kibana saved objects imported: $(head -c 200 "$RESPONSE")"
      break
    fi
    # Kibana answered but rejected objects (e.g. a broken reference): retrying would not help.
    log "Kibana rejected some saved objects:"
    cat "$RESPONSE"; echo
    exit 1
  fi
  i=$((i + 1))
  if [ "$i" -ge "$ATTEMPTS" ]; then
    log "Kibana import failed ($code):"
    cat "$RESPONSE" 2>/dev/null; echo
    exit 1
  fi
  sleep 5
done

# Report the connector states (RUNNING is expected; a FAILED task shows its trace here and in `docker compose logs connect`).
sleep 5
for name in elasticsearch-sink-positions elasticsearch-sink-directions elasticsearch-sink-events; do
  log "$name status: $(curl -sS "$CONNECT_URL/connectors/$name/status")"
done
log "done: Kibana http://localhost:5601, Grafana http://localhost:3000, Prometheus http://localhost:9091"
