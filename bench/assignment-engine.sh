#!/usr/bin/env bash
# Flywheel's assignment engine and npm @growthbook/growthbook on the same workload
# (bench/src/main/resources/assignment-workload.json), one after the other in one run.
# Usage: bench/assignment-engine.sh   (after ./mvnw -B -q package -pl bench -am -DskipTests -Dflywheel.e2e.skip=true)
set -euo pipefail
cd "$(dirname "$0")/.."
java -cp "bench/target/flywheel-bench.jar:bench/target/lib/*" org.openjdk.jmh.Main AssignmentBenchmark \
  -wi 3 -w 2 -i 5 -r 2 -f 1
if [ ! -d e2e-tests/clients/node_modules/@growthbook/growthbook ]; then
  (cd e2e-tests/clients && npm install --no-audit --no-fund >/dev/null)
fi
(cd e2e-tests/clients && node growthbook-bench.mjs ../../bench/src/main/resources/assignment-workload.json 10)
