// Checks rendered manifests offline: every object against its Kubernetes schema (kubernetes-models), then the
// chart's promises: probes, requests and limits, non-root read-only containers, and nothing but the gateway exposed.
// Usage: node check.mjs <rendered.yaml>...
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

const problems = [];
let checked = 0;

async function model(apiVersion, kind) {
  const path = apiVersion.includes('/') ? apiVersion : `v1`;
  try {
    const module = await import(`kubernetes-models/${path}/${kind}`);
    return module[kind] ?? module.default;
  } catch {
    return null;
  }
}

function where(file, o) {
  return `${file}: ${o.kind} ${o.metadata?.name}`;
}

for (const file of process.argv.slice(2)) {
  const objects = yaml.loadAll(readFileSync(file, 'utf8')).filter(Boolean);
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  for (const o of objects) {
    const Model = await model(o.apiVersion, o.kind);
    if (!Model) {
      // Custom resources of other operators (ServiceMonitor): only their shape is ours to check.
      if (!o.apiVersion || !o.metadata?.name || !o.spec) {
        problems.push(`${where(file, o)}: not a Kubernetes object`);
      }
      continue;
    }
    try {
      new Model(o).validate();
      checked++;
    } catch (e) {
      problems.push(`${where(file, o)}: ${e.message}`);
    }
  }

  const deployments = byKind('Deployment');
  if (deployments.length !== 6) {
    problems.push(`${file}: ${deployments.length} Deployments, expected the gateway and five services`);
  }
  for (const d of deployments) {
    const pod = d.spec.template.spec;
    if (pod.securityContext?.runAsNonRoot !== true) {
      problems.push(`${where(file, d)}: pod may run as root`);
    }
    for (const c of pod.containers) {
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        if (!c[probe]?.httpGet?.path?.startsWith('/q/health/') || c[probe].httpGet.port !== 'management') {
          problems.push(`${where(file, d)}/${c.name}: no ${probe} on Quarkus health on the management port`);
        }
      }
      for (const side of ['requests', 'limits']) {
        if (!c.resources?.[side]?.cpu || !c.resources?.[side]?.memory) {
          problems.push(`${where(file, d)}/${c.name}: no cpu and memory ${side}`);
        }
      }
      const sc = c.securityContext ?? {};
      if (sc.readOnlyRootFilesystem !== true || sc.allowPrivilegeEscalation !== false
          || !(sc.capabilities?.drop ?? []).includes('ALL')) {
        problems.push(`${where(file, d)}/${c.name}: not read-only, unprivileged, without capabilities`);
      }
      if ((c.env ?? []).some((e) => /PASSWORD|KEY|REDIS_URL/.test(e.name) && e.value !== undefined)) {
        problems.push(`${where(file, d)}/${c.name}: a credential is set in plain text, not from a Secret`);
      }
    }
  }

  // Nothing but the gateway is exposed.
  for (const s of byKind('Service')) {
    const component = s.metadata.labels?.['app.kubernetes.io/component'];
    if (component !== 'gateway' && (s.spec.type ?? 'ClusterIP') !== 'ClusterIP') {
      problems.push(`${where(file, s)}: a ${s.spec.type} service for ${component}`);
    }
  }
  for (const i of byKind('Ingress')) {
    for (const rule of i.spec.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        if (!path.backend.service.name.endsWith('-gateway')) {
          problems.push(`${where(file, i)}: routes to ${path.backend.service.name}, not the gateway`);
        }
      }
    }
  }
  const policies = byKind('NetworkPolicy');
  for (const d of deployments) {
    const component = d.spec.selector.matchLabels['app.kubernetes.io/component'];
    const policy = policies.find((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] === component);
    if (!policy) {
      problems.push(`${where(file, d)}: no NetworkPolicy`);
      continue;
    }
    const rules = policy.spec.ingress ?? [];
    const open = rules.some((rule) => !rule.from);
    if (open && component !== 'gateway') {
      problems.push(`${where(file, policy)}: ${component} is reachable from anywhere`);
    }
    // Only the gateway's API port is open to anyone; internal and management ports only to named peers.
    for (const rule of rules.filter((r) => !r.from)) {
      if ((rule.ports ?? []).length === 0 || rule.ports.some((p) => p.port !== 'http')) {
        problems.push(`${where(file, policy)}: a port other than the API is open to anyone`);
      }
    }
    // Other namespaces never reach the gateway's internal port, and reach the management port only through a
    // rule of its own (Prometheus), never together with the client ports (backends).
    for (const rule of rules.filter((r) => (r.from ?? []).some((peer) => peer.namespaceSelector))) {
      const ports = (rule.ports ?? []).map((p) => p.port);
      if (ports.length === 0 || ports.includes('internal')
          || (ports.includes('management') && ports.length > 1)) {
        problems.push(`${where(file, policy)}: another namespace reaches an internal port`);
      }
    }
  }
  // Every Deployment keeps serving through voluntary disruptions.
  for (const d of deployments) {
    const component = d.spec.selector.matchLabels['app.kubernetes.io/component'];
    if (!byKind('PodDisruptionBudget').some((p) => p.spec.selector.matchLabels['app.kubernetes.io/component'] === component)) {
      problems.push(`${where(file, d)}: no PodDisruptionBudget`);
    }
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`chart checks: ${checked} objects valid against the Kubernetes schemas, invariants hold`);
