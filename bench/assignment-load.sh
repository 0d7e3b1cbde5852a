#!/usr/bin/env bash
# AssignAll over gRPC with 20 running experiments, at a fixed rate, against the platform ./flywheel up started.
# Creates (or replaces) and starts the 20 experiments of bench/src/main/resources/assignment-workload.json in the
# demo project's production environment, then runs dev.flywheel.bench.AssignAllLoad.
# Usage: bench/assignment-load.sh RATE SECONDS [USERS]
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-1000} seconds=${2:-30} users=${3:-10000}
set -a; . .flywheel/demo.env; set +a
python3 bench/start-experiments.py \
  "$FLYWHEEL_GATEWAY_URL/api/v1/projects/$FLYWHEEL_DEMO_PROJECT_ID/environments/production" "$FLYWHEEL_DEMO_ADMIN_KEY"
grpc=${FLYWHEEL_ASSIGNMENT_GRPC_URL#http://}
java -cp "bench/target/flywheel-bench.jar:bench/target/lib/*" dev.flywheel.bench.AssignAllLoad \
  --target "$grpc" --key "$FLYWHEEL_DEMO_PRODUCTION_SERVER_KEY" --rate "$rate" --duration "$seconds" --users "$users"
