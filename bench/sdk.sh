#!/usr/bin/env bash
# The Java SDK in one run: its OpenFeature provider against the flagd Java provider in in-process mode (same 20
# flags and contexts, same OpenFeature client API), its AssignAll over the assignment workload's 20 experiments
# against npm @growthbook/growthbook on the same inputs, and its heap for 1,000 flags and 200 experiments.
# Usage: bench/sdk.sh   (after ./mvnw -B -q install -DskipTests -Dflywheel.e2e.skip=true)
set -euo pipefail
cd "$(dirname "$0")/.."
CP="bench/target/flywheel-bench.jar:bench/target/lib/*"
java -cp "$CP" org.openjdk.jmh.Main SdkBenchmark -wi 3 -w 2 -i 5 -r 2 -f 1
java -Xmx256m -cp "$CP" dev.flywheel.bench.SdkMemory
if [ ! -d e2e-tests/clients/node_modules/@growthbook/growthbook ]; then
  (cd e2e-tests/clients && npm ci --no-audit --no-fund >/dev/null)
fi
(cd e2e-tests/clients && node growthbook-bench.mjs ../../bench/src/main/resources/assignment-workload.json 10)
