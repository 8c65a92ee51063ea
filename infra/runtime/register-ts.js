// Runs TypeScript sources directly (transpile only, per file, like ts-jest with
// isolatedModules) for scripts that are not part of the build: the demo feed from source,
// benches, and child processes started by tests. The @smartgrid/<lib> aliases resolve
// through tsconfig.json's paths to libs/<lib>/src. NestJS 12 is ESM-only; Node >= 20.19
// require()s it natively.
//   node -r ./infra/runtime/register-ts.js path/to/script.ts
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '../..');
const { config } = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
const compilerOptions = {
  ...options,
  module: ts.ModuleKind.CommonJS,
  sourceMap: false,
  inlineSourceMap: true,
  declaration: false,
};

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions,
    fileName: filename,
    reportDiagnostics: false,
  });
  module._compile(outputText, filename);
};

require('tsconfig-paths').register({ baseUrl: root, paths: config.compilerOptions.paths });
