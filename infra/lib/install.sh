# Installs the pinned services into $CACHE, once per version. Sourced by infra/stack.sh.
# An install counts as done only when its stamp file exists: the stamp is written last, so an
# interrupted install (half a venv, no binary) is simply redone on the next run.

stamp_of() { echo "$CACHE/$1/$(version_of "$1")/.installed"; }

# What a finished install records; a stamp that differs (e.g. new pip constraints) means reinstall.
stamp_line() {
  case "$1" in
    mlflow) echo "mlflow $MLFLOW_VERSION constraints=$(sha256sum <"$MLFLOW_CONSTRAINTS" | cut -c1-16)" ;;
    *) echo "$1 $(version_of "$1")" ;;
  esac
}

installed() {
  local stamp
  stamp="$(stamp_of "$1")"
  [[ -f "$stamp" && "$(head -n 1 "$stamp")" == "$(stamp_line "$1")" ]]
}

install_cmd_temporal() {
  GOBIN="$CACHE/temporal/$TEMPORAL_VERSION" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION"
}

install_cmd_minio() {
  GOBIN="$CACHE/minio/$MINIO_VERSION" go install "github.com/minio/minio@$MINIO_VERSION"
}

install_cmd_mlflow() {
  python3 -m venv "$MLFLOW_VENV" && "$MLFLOW_VENV/bin/pip" install "mlflow==$MLFLOW_VERSION" boto3 -c "$MLFLOW_CONSTRAINTS"
}

# The check that proves an install works, run before the stamp is written.
install_check() {
  case "$1" in
    temporal) "$TEMPORAL_BIN" --version ;;
    minio) "$MINIO_BIN" --version ;;
    # Importing the sqlalchemy store catches a dependency drift that would only show at server start.
    mlflow) "$MLFLOW_VENV/bin/mlflow" --version && "$MLFLOW_VENV/bin/python" -c 'import boto3, mlflow.store.tracking.sqlalchemy_store' ;;
  esac
}

version_of() {
  case "$1" in
    temporal) echo "$TEMPORAL_VERSION" ;;
    minio) echo "$MINIO_VERSION" ;;
    mlflow) echo "$MLFLOW_VERSION" ;;
  esac
}

# Runs one install with its own log, under a lock so two `up`s never build into the same directory.
# The log ends with rc= and secs= lines, which is where the first-install times come from.
install_one() {
  local name="$1" version stamp logf
  version="$(version_of "$name")"
  stamp="$(stamp_of "$name")"
  logf="$CACHE/logs/$name-install.log"
  mkdir -p "$CACHE/logs" "$CACHE/locks" "$CACHE/$name/$version"
  (
    flock 9
    installed "$name" && exit 0
    local start rc
    start=$(date +%s)
    {
      echo "installing $name $version ($(date -u +%FT%TZ))"
      set +e
      "install_cmd_$name" && install_check "$name"
      rc=$?
      set -e
      echo "rc=$rc"
      echo "secs=$(($(date +%s) - start))"
    } >"$logf" 2>&1
    [[ $rc -eq 0 ]] && printf '%s\ninstalled %s\n' "$(stamp_line "$name")" "$(date -u +%FT%TZ)" >"$stamp"
    exit "$rc"
  ) 9>"$CACHE/locks/$name.lock"
}

need_tool() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not on PATH; it is needed to install $2"
}

# Installs whatever is missing, in parallel: on a cold cache the two Go builds and pip overlap.
install_all() {
  local name missing=() pids=() failed=()
  for name in "${SERVICES[@]}"; do
    installed "$name" || missing+=("$name")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  for name in "${missing[@]}"; do
    case "$name" in
      temporal | minio) need_tool go "$name (go install)" ;;
      mlflow) need_tool python3 "mlflow (pip, in a virtualenv)" ;;
    esac
  done
  log "installing ${missing[*]} into $CACHE (first run only; logs in $CACHE/logs)"
  for name in "${missing[@]}"; do
    install_one "$name" &
    pids+=($!)
  done
  local i
  for i in "${!missing[@]}"; do
    if wait "${pids[$i]}"; then
      log "installed ${missing[$i]} $(version_of "${missing[$i]}") ($(grep -o 'secs=[0-9]*' "$CACHE/logs/${missing[$i]}-install.log" | tail -n 1))"
    else
      failed+=("${missing[$i]}")
    fi
  done
  for name in "${failed[@]}"; do
    echo "stack: error: install of $name $(version_of "$name") failed; last lines of $CACHE/logs/$name-install.log:" >&2
    tail -n 25 "$CACHE/logs/$name-install.log" | sed 's/^/  | /' >&2
  done
  [[ ${#failed[@]} -eq 0 ]]
}
