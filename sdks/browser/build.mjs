// Bundles the SDK from the same sources: an ES module for npm (dist/esm, the surveys module split out for the
// application's bundler), the minified script the gateway serves and pages load with the loader snippet
// (dist/flywheel.min.js), its lazy surveys module (loaded by a script element with its SRI hash), and the standalone
// feedback widget; with SRI hashes and sizes.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const common = { bundle: true, target: ['es2020'], minify: true, logLevel: 'warning' };
const defines = (surveysIntegrity, recordingIntegrity = '') => ({ __SDK_VERSION__: JSON.stringify(version),
  __SURVEYS_INTEGRITY__: JSON.stringify(surveysIntegrity), __RECORDING_INTEGRITY__: JSON.stringify(recordingIntegrity) });

function describe(file) {
  const bytes = readFileSync(file);
  return { version, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length,
    integrity: 'sha384-' + createHash('sha384').update(bytes).digest('base64') };
}

await build({ ...common, define: defines(''), entryPoints: ['src/surveys/bundle.ts'], format: 'iife',
  outfile: 'dist/flywheel-surveys.min.js' });
const surveys = describe('dist/flywheel-surveys.min.js');
await build({ ...common, define: defines(''), entryPoints: ['src/recording/bundle.ts'], format: 'iife',
  outfile: 'dist/flywheel-recording.min.js' });
const recording = describe('dist/flywheel-recording.min.js');
await build({ ...common, define: defines(surveys.integrity, recording.integrity), entryPoints: ['src/script.ts'],
  format: 'iife',
  outfile: 'dist/flywheel.min.js' });
await build({ ...common, define: defines(''), entryPoints: ['src/index.ts'], format: 'esm', splitting: true,
  outdir: 'dist/esm', sourcemap: true });
await build({ ...common, define: defines(''), entryPoints: ['src/surveys/legacy.ts'], format: 'iife',
  outfile: 'dist/flywheel-feedback.js' });

// what the gateway serves, under a path that names the version (so it is cached for good): /sdk/browser/v<version>/
const served = `dist/served/v${version}`;
mkdirSync(served, { recursive: true });
for (const name of ['flywheel.min.js', 'flywheel-surveys.min.js', 'flywheel-recording.min.js']) {
  const sizes = describe(`dist/${name}`);
  writeFileSync(`dist/${name}.json`, JSON.stringify(sizes, null, 2) + '\n');
  copyFileSync(`dist/${name}`, `${served}/${name}`);
  copyFileSync(`dist/${name}.json`, `${served}/${name}.json`);
  console.log(`${name} ${version}: ${sizes.bytes} bytes, ${sizes.gzipBytes} gzipped, ${sizes.integrity}`);
}
// the standalone widget keeps its first address, /widget/flywheel-feedback.js
mkdirSync('dist/widget', { recursive: true });
copyFileSync('dist/flywheel-feedback.js', 'dist/widget/flywheel-feedback.js');

// the e2e suite's page scripts (target/, never published): OpenFeature's web SDK …
await build({ ...common, define: defines(''), entryPoints: ['e2e/openfeature-side-by-side.ts'], format: 'iife',
  outfile: 'target/e2e/openfeature.js' });
// and rrweb's player, for the recordings e2e test
await build({ ...common, define: defines(''), entryPoints: ['e2e/replay.ts'], format: 'iife',
  outfile: 'target/e2e/replay.js' });
