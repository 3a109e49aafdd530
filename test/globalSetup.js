// Builds dist/ once before the suite: the multi-process demo, the package entry-point checks
// and the signal test run the compiled JavaScript, as users do. Type errors are reported by
// `npm run typecheck` (the first half of `npm test`); here only a build that produced no
// JavaScript is fatal.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

module.exports = async () => {
  const root = path.resolve(__dirname, '..');
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  for (const entry of ['dist/src/index.js', 'dist/adapters/index.js', 'dist/examples/http-to-grpc/demo.js']) {
    if (!fs.existsSync(path.join(root, entry))) throw new Error(`build produced no ${entry}:\n${run.stdout}${run.stderr}`);
  }
};
