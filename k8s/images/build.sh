#!/usr/bin/env bash
# Builds the six images the chart deploys (needs Docker or Podman; not part of CI, which has no container engine).
# Usage: k8s/images/build.sh [registry/repository] [tag]   e.g. k8s/images/build.sh ghcr.io/flywheel/flywheel 0.1.0
# Push them with `docker push` (or `podman push`) and point the chart's image.registry/repository/tag at them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REPOSITORY=${1:-ghcr.io/flywheel/flywheel}
TAG=${2:-0.1.0}
ENGINE=$(command -v docker || command -v podman || true)
[ -n "$ENGINE" ] || { echo "needs docker or podman" >&2; exit 1; }
cd "$ROOT"
./mvnw -B -q package -DskipTests -Dflywheel.e2e.skip=true -Dflywheel.helm.skip=true
for component in gateway services/event-collector services/feature-flags services/experiment-assignment \
    services/metrics-aggregator services/feedback; do
  name=$(basename "$component")
  "$ENGINE" build -f k8s/images/Dockerfile.jvm --build-arg COMPONENT="$component" -t "$REPOSITORY-$name:$TAG" .
done
