// The reference side of bench/assignment-engine.sh: npm @growthbook/growthbook on the same workload as
// AssignmentBenchmark (20 experiments, 1,024 users), one GrowthBook instance per user as a server handles a request.
// Usage: node growthbook-bench.mjs <assignment-workload.json> [seconds]
import { readFileSync } from 'node:fs';
import { GrowthBook } from '@growthbook/growthbook';

const [file, seconds = '10'] = process.argv.slice(2);
const workload = JSON.parse(readFileSync(file, 'utf8'));
const experiments = workload.experiments.map((e) => e.growthbook);
const users = workload.users;

function round(limitMs) {
  let users_done = 0;
  let inExperiment = 0;
  const start = performance.now();
  while (performance.now() - start < limitMs) {
    for (let i = 0; i < 256; i++) {
      const gb = new GrowthBook({ attributes: users[(users_done + i) & 1023] });
      for (const experiment of experiments) {
        if (gb.run(experiment).inExperiment) inExperiment++;
      }
      gb.destroy();
    }
    users_done += 256;
  }
  return { usersPerSecond: users_done / ((performance.now() - start) / 1000), inExperiment };
}

round(3000); // warm-up: let V8 optimise
const measured = round(Number(seconds) * 1000);
const sharedGb = new GrowthBook({ attributes: users[0] });
let runs = 0;
const start = performance.now();
while (performance.now() - start < 3000) {
  for (const experiment of experiments) sharedGb.run(experiment);
  runs += experiments.length;
}
const runOnly = runs / ((performance.now() - start) / 1000);
console.log(JSON.stringify({
  engine: '@growthbook/growthbook',
  usersPerSecond: Math.round(measured.usersPerSecond),
  assignmentsPerSecond: Math.round(measured.usersPerSecond * experiments.length),
  runOnlyAssignmentsPerSecond: Math.round(runOnly),
}));
