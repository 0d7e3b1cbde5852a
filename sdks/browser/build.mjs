// Bundles the SDK twice from the same sources: an ES module for npm (dist/esm) and a minified script that the
// gateway serves and pages load with the loader snippet (dist/flywheel.min.js), with its SRI hash and sizes.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const common = { bundle: true, target: ['es2020'], define: { __SDK_VERSION__: JSON.stringify(version) }, logLevel: 'warning' };

await build({ ...common, entryPoints: ['src/index.ts'], format: 'esm', outfile: 'dist/esm/index.js', minify: true, sourcemap: true });
await build({ ...common, entryPoints: ['src/script.ts'], format: 'iife', outfile: 'dist/flywheel.min.js', minify: true });

const script = readFileSync('dist/flywheel.min.js');
const integrity = 'sha384-' + createHash('sha384').update(script).digest('base64');
const sizes = { version, bytes: script.length, gzipBytes: gzipSync(script, { level: 9 }).length, integrity };
writeFileSync('dist/flywheel.min.js.json', JSON.stringify(sizes, null, 2) + '\n');
// what the gateway serves, under a path that names the version (so it is cached for good): /sdk/browser/v<version>/
const served = `dist/served/v${version}`;
mkdirSync(served, { recursive: true });
copyFileSync('dist/flywheel.min.js', `${served}/flywheel.min.js`);
copyFileSync('dist/flywheel.min.js.json', `${served}/flywheel.min.js.json`);
console.log(`flywheel.min.js ${version}: ${sizes.bytes} bytes, ${sizes.gzipBytes} gzipped, ${integrity}`);
