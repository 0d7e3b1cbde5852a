#!/usr/bin/env bash
# AssignAll over gRPC with 20 running experiments, at a fixed rate, against the platform ./flywheel up started.
# Creates (or replaces) and starts the 20 experiments of bench/src/main/resources/assignment-workload.json in the
# demo project's production environment, then runs dev.flywheel.bench.AssignAllLoad.
# Usage: bench/assignment-load.sh RATE SECONDS [USERS]
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-1000} seconds=${2:-30} users=${3:-10000}
set -a; . .flywheel/demo.env; set +a
api="$FLYWHEEL_GATEWAY_URL/api/v1/projects/$FLYWHEEL_DEMO_PROJECT_ID/environments/production/experiments"
python3 - "$api" "$FLYWHEEL_DEMO_ADMIN_KEY" <<'PY'
import json, sys, urllib.request
api, key = sys.argv[1], sys.argv[2]
workload = json.load(open("bench/src/main/resources/assignment-workload.json"))
def call(method, url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method=method,
                                 headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req).read()
    except urllib.error.HTTPError as e:
        if e.code != 409:  # already running
            raise
for e in workload["experiments"]:
    call("PUT", f"{api}/{e['key']}", e["flywheel"])
    call("POST", f"{api}/{e['key']}/status", {"status": "running"})
PY
grpc=${FLYWHEEL_ASSIGNMENT_GRPC_URL#http://}
java -cp "bench/target/flywheel-bench.jar:bench/target/lib/*" dev.flywheel.bench.AssignAllLoad \
  --target "$grpc" --key "$FLYWHEEL_DEMO_PRODUCTION_SERVER_KEY" --rate "$rate" --duration "$seconds" --users "$users"
