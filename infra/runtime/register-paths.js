// Resolves the @smartgrid/<lib> aliases to the compiled libs in dist/ when running built apps:
//   node -r ./infra/runtime/register-paths.js dist/apps/<app>/src/main.js
const path = require('path');
const fs = require('fs');
const tsconfigPaths = require('tsconfig-paths');

const root = path.resolve(__dirname, '../..');
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
const paths = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, targets]) => [
    alias,
    targets.map((t) => path.join('dist', t)),
  ]),
);
tsconfigPaths.register({ baseUrl: root, paths });
