#!/usr/bin/env bash
# The local stack: Temporal dev server, MinIO and MLflow, installed from source/PyPI, no Docker.
#
#   infra/stack.sh up                 install what is missing, start everything, wait until healthy
#   infra/stack.sh down               stop everything (TERM, then KILL after a timeout); data is kept
#   infra/stack.sh status             state, port and pid of each service
#   infra/stack.sh env                the RLHF_* variables for this stack: eval "$(infra/stack.sh env)"
#                                     (they include the stack dir and ports, so a later `restart` acts on it)
#   infra/stack.sh restart <service>  stop and start one service (temporal|minio|mlflow), keeping its data
#   infra/stack.sh stop|start <service>  one service only, e.g. to rehearse a storage outage
#   infra/stack.sh install            only install (cached by version under ~/.cache/rlhf-flow)
#
# Data, pids and logs live under $RLHF_STACK_DIR (default <repo>/.rlhf/stack). Ports: RLHF_TEMPORAL_PORT,
# RLHF_TEMPORAL_UI_PORT, RLHF_MINIO_PORT, RLHF_MINIO_CONSOLE_PORT, RLHF_MLFLOW_PORT.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib/common.sh"
source "$here/lib/install.sh"
source "$here/lib/services.sh"

env_lines() {
  cat <<ENV
export RLHF_TEMPORAL_ADDRESS=$BIND_IP:$TEMPORAL_PORT
export RLHF_NAMESPACE=${RLHF_NAMESPACE:-default}
export RLHF_S3_ENDPOINT=http://$BIND_IP:$MINIO_PORT
export RLHF_S3_ACCESS_KEY=$S3_ACCESS_KEY
export RLHF_S3_SECRET_KEY=$S3_SECRET_KEY
export RLHF_BUCKET=$ARTIFACT_BUCKET
export RLHF_MLFLOW_URI=http://$BIND_IP:$MLFLOW_PORT
export RLHF_TEMPORAL_CLI=$TEMPORAL_BIN
export RLHF_STACK_SCRIPT=$REPO_ROOT/infra/stack.sh
export RLHF_STACK_DIR=$STACK_DIR
export RLHF_STACK_IP=$BIND_IP
export RLHF_TEMPORAL_PORT=$TEMPORAL_PORT
export RLHF_TEMPORAL_UI_PORT=$TEMPORAL_UI_PORT
export RLHF_MINIO_PORT=$MINIO_PORT
export RLHF_MINIO_CONSOLE_PORT=$MINIO_CONSOLE_PORT
export RLHF_MLFLOW_PORT=$MLFLOW_PORT
ENV
}

# env.sh holds the S3 secret key: readable by its owner only (0600), written whole then moved in.
write_env_file() {
  local tmp="$STACK_DIR/env.sh.tmp.$$"
  (umask 077 && env_lines >"$tmp")
  chmod 600 "$tmp"
  mv -f "$tmp" "$STACK_DIR/env.sh"
}

cmd_up() {
  install_all || die "install failed (see above)"
  local name
  for name in "${SERVICES[@]}"; do # all port clashes first, before anything starts
    service_pid "$name" >/dev/null || check_ports_free "$name"
  done
  start_service temporal
  start_service minio
  wait_healthy minio
  create_buckets
  start_service mlflow
  wait_healthy temporal
  wait_healthy mlflow
  write_env_file
  log "stack is up (data in $DATA). Temporal UI http://$BIND_IP:$TEMPORAL_UI_PORT," \
    "MinIO console http://$BIND_IP:$MINIO_CONSOLE_PORT, MLflow http://$BIND_IP:$MLFLOW_PORT"
  log "point rlhf at it with: eval \"\$(infra/stack.sh env)\""
  env_lines | grep -v SECRET_KEY >&2
}

cmd_down() {
  local i
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    stop_service "${SERVICES[$i]}"
  done
}

cmd_status() {
  local name pid state rc=0
  printf '%-9s %-9s %-13s %s\n' SERVICE STATE PORTS PID
  for name in "${SERVICES[@]}"; do
    if pid="$(service_pid "$name")"; then
      if healthy "$name"; then state=healthy; else state=unhealthy; rc=1; fi
    else
      pid=-
      state=stopped
      rc=1
    fi
    printf '%-9s %-9s %-13s %s\n' "$name" "$state" "$(service_ports "$name" | tr ' ' ,)" "$pid"
  done
  return "$rc"
}

check_service_name() {
  [[ " ${SERVICES[*]} " == *" ${2:-} "* ]] || die "$1 needs one of: ${SERVICES[*]} (got '${2:-}')"
}

cmd_restart() {
  check_service_name restart "${1:-}"
  stop_service "$1"
  start_service "$1"
  wait_healthy "$1"
}

mkdir -p "$STACK_DIR"
case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) env_lines ;;
  restart) cmd_restart "${2:-}" ;;
  stop) check_service_name stop "${2:-}"; stop_service "$2" ;;
  start) check_service_name start "${2:-}"; start_service "$2"; wait_healthy "$2" ;;
  install) install_all ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
