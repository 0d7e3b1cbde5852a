// Assigns users to experiments with the reference implementation, npm @growthbook/growthbook, so a test can check
// Flywheel gives every user the same variation.
// Usage: node growthbook-assign.mjs < {"experiments": [GrowthBook experiment...], "users": [{attributes}...]}
// Prints one JSON line: for each user, for each experiment, [inExperiment, variationId, hashUsed].
import { GrowthBook } from '@growthbook/growthbook';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { experiments, users } = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const answers = users.map((attributes) => {
  const gb = new GrowthBook({ attributes });
  const row = experiments.map((experiment) => {
    const result = gb.run(experiment);
    return [result.inExperiment, result.variationId, result.hashUsed];
  });
  gb.destroy();
  return row;
});
process.stdout.write(JSON.stringify(answers) + '\n');
