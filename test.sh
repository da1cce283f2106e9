#!/usr/bin/env bash
# The test command: installs (first run only) Chromium and the real local stack, starts the stack, builds the worker
# image tarball offline, runs every test (unit and @Tag("integration")) against the stack, and stops
# the stack again. Exits non-zero on any failure. Same ports/dirs overrides as infra/stack.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
start=$(date +%s)
stack="$root/infra/stack.sh"

# A service that was already running (e.g. a developer's stack) is used and left running; the ones
# this script starts, it stops. A partly running stack is not ours: only its missing services are.
running_before=()
while read -r name state _; do
  if [[ "$state" == healthy || "$state" == unhealthy ]]; then running_before+=("$name"); fi
done < <("$stack" status 2>/dev/null | tail -n +2 || true)
if ((${#running_before[@]} > 0)); then
  echo "test.sh: using the running services (they stay up afterwards): ${running_before[*]}"
fi

finish() {
  local rc=$? name
  for name in temporal minio mlflow; do
    if [[ " ${running_before[*]} " != *" $name "* ]]; then "$stack" stop "$name" || true; fi
  done
  echo "test.sh: $([[ $rc == 0 ]] && echo PASSED || echo "FAILED (exit $rc)") in $(($(date +%s) - start))s"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

# The labelling page is tested in a real headless browser: Debian's chromium and its driver.
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
  echo "test.sh: installing chromium and chromium-driver (apt-get)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

"$stack" up
eval "$("$stack" env)"

# -ntp: no download progress bars in CI logs. Surefire's "Tests run:" summaries still print.
mvn_opts=(-B -ntp)

# 1. The worker image tarball; FROM scratch keeps it offline (WorkerImageTest reads it).
mvn "${mvn_opts[@]}" -Pimage -pl workflows -am package -DskipTests \
  -Djib.from.image=scratch -Djib.disableUpdateChecks=true
echo "test.sh: worker image tarball $(du -m workflows/target/jib-image.tar | cut -f1) MB" \
  "(base image layers not included: built FROM scratch)"

# 2. Every test, integration ones included (the default build excludes the "integration" tag).
mvn "${mvn_opts[@]}" verify -Dexcluded.test.groups=
