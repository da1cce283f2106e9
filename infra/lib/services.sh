# Start, stop and health-check the three services. Sourced by infra/stack.sh.
# Each service runs in its own session (setsid), so `down` can signal the whole process group
# (MLflow forks gunicorn workers) and a Ctrl-C in the caller's terminal does not take it down.

pid_file() { echo "$RUN_DIR/$1.pid"; }

service_pid() {
  local f pid
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"
  kill -0 "$pid" 2>/dev/null || return 1
  # A stale pid file may name a recycled pid: make sure it is still our server (where /proc exists).
  if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$1"; then
    return 1
  fi
  echo "$pid"
}

service_port() {
  case "$1" in
    temporal) echo "$TEMPORAL_PORT" ;;
    minio) echo "$MINIO_PORT" ;;
    mlflow) echo "$MLFLOW_PORT" ;;
  esac
}

service_ports() {
  case "$1" in
    temporal) echo "$TEMPORAL_PORT $TEMPORAL_UI_PORT" ;;
    minio) echo "$MINIO_PORT $MINIO_CONSOLE_PORT" ;;
    mlflow) echo "$MLFLOW_PORT" ;;
  esac
}

healthy() {
  case "$1" in
    temporal)
      "$TEMPORAL_BIN" operator cluster health --address "$BIND_IP:$TEMPORAL_PORT" 2>/dev/null | grep -q SERVING ;;
    minio) curl -fsS -o /dev/null --max-time 3 "http://$BIND_IP:$MINIO_PORT/minio/health/live" 2>/dev/null ;;
    mlflow) curl -fsS -o /dev/null --max-time 3 "http://$BIND_IP:$MLFLOW_PORT/health" 2>/dev/null ;;
  esac
}

# Fails, naming the port and (when ss can tell) the process holding it.
check_ports_free() {
  local name="$1" port owner
  for port in $(service_ports "$name"); do
    owner="$(ss -Hltnp "sport = :$port" 2>/dev/null | head -n 1)"
    if [[ -n "$owner" ]]; then
      local who
      who="$(grep -o 'users:(.*)' <<<"$owner" || true)"
      [[ -n "$who" ]] && who="by $who" || who="(ss cannot see by what)"
      die "port $port, needed by $name, is taken $who. Stop that process or choose another port," \
        "e.g. $(port_var "$name" "$port")=<free port>."
    fi
  done
}

port_var() {
  case "$1:$2" in
    temporal:"$TEMPORAL_PORT") echo RLHF_TEMPORAL_PORT ;;
    temporal:*) echo RLHF_TEMPORAL_UI_PORT ;;
    minio:"$MINIO_PORT") echo RLHF_MINIO_PORT ;;
    minio:*) echo RLHF_MINIO_CONSOLE_PORT ;;
    mlflow:*) echo RLHF_MLFLOW_PORT ;;
  esac
}

launch_temporal() {
  mkdir -p "$DATA/temporal"
  # --db-filename keeps workflow state on disk, so it survives a restart.
  exec setsid "$TEMPORAL_BIN" server start-dev \
    --db-filename "$DATA/temporal/temporal.db" \
    --ip "$BIND_IP" --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
    --search-attribute RlhfExperiment=Keyword --search-attribute RlhfStage=Keyword \
    --log-level warn
}

launch_minio() {
  mkdir -p "$DATA/minio"
  export MINIO_ROOT_USER="$S3_ACCESS_KEY" MINIO_ROOT_PASSWORD="$S3_SECRET_KEY" MINIO_UPDATE=off
  exec setsid "$MINIO_BIN" server "$DATA/minio" \
    --address "$BIND_IP:$MINIO_PORT" --console-address "$BIND_IP:$MINIO_CONSOLE_PORT"
}

launch_mlflow() {
  mkdir -p "$DATA/mlflow"
  # Artifacts are proxied: clients talk to MLflow only, MLflow writes to the MinIO bucket.
  export MLFLOW_S3_ENDPOINT_URL="http://$BIND_IP:$MINIO_PORT" AWS_DEFAULT_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY"
  exec setsid "$MLFLOW_VENV/bin/mlflow" server \
    --host "$BIND_IP" --port "$MLFLOW_PORT" --workers "$MLFLOW_WORKERS" \
    --backend-store-uri "sqlite:///$DATA/mlflow/mlflow.db" \
    --artifacts-destination "s3://$MLFLOW_BUCKET/"
}

start_service() {
  local name="$1" pid
  if pid="$(service_pid "$name")"; then
    log "$name already running (pid $pid)"
    return 0
  fi
  check_ports_free "$name"
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  echo "--- start $(date -u +%FT%TZ)" >>"$LOG_DIR/$name.log"
  # The subshell execs setsid, which execs the server: $! is the server's pid and process group.
  ("launch_$name") >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$(pid_file "$name")"
  echo "$(service_ports "$name")" >"$RUN_DIR/$name.ports"
  log "started $name (pid $!, log $LOG_DIR/$name.log)"
}

# Waits up to HEALTH_TIMEOUT seconds of wall time: a health probe itself may take seconds (curl's
# --max-time 3, the Temporal CLI's own timeout), so counting loop iterations would overrun.
wait_healthy() {
  local name="$1" deadline=$((SECONDS + HEALTH_TIMEOUT))
  until healthy "$name"; do
    if ! service_pid "$name" >/dev/null; then
      echo "stack: error: $name exited during startup; last lines of $LOG_DIR/$name.log:" >&2
      tail -n 25 "$LOG_DIR/$name.log" | sed 's/^/  | /' >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "stack: error: $name not healthy after ${HEALTH_TIMEOUT}s; last lines of $LOG_DIR/$name.log:" >&2
      tail -n 25 "$LOG_DIR/$name.log" | sed 's/^/  | /' >&2
      return 1
    fi
    sleep 1
  done
  log "$name healthy on $BIND_IP:$(service_port "$name")"
}

stop_service() {
  local name="$1" pid waited=0
  if ! pid="$(service_pid "$name")"; then
    rm -f "$(pid_file "$name")"
    return 0
  fi
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < STOP_TIMEOUT)); do
    sleep 1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop within ${STOP_TIMEOUT}s; sending KILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$name")"
  log "stopped $name (pid $pid)"
}

# Buckets are created through the S3 API (boto3 from the MLflow venv): MinIO's on-disk format is
# its own business, so a bare directory under the data dir is not a reliable way to make one.
create_buckets() {
  AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY" \
    "$MLFLOW_VENV/bin/python" - "http://$BIND_IP:$MINIO_PORT" "$MLFLOW_BUCKET" "$ARTIFACT_BUCKET" <<'PY'
import sys
import boto3

endpoint, buckets = sys.argv[1], sys.argv[2:]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
for bucket in buckets:
    if bucket not in existing:
        s3.create_bucket(Bucket=bucket)
        print(f"stack: created bucket {bucket}", file=sys.stderr)
PY
}
