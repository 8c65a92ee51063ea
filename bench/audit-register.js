// Lets `node` run the TypeScript benches directly (transpile only, like ts-node's
// --transpile-only): .ts files are compiled to CommonJS on require, and the @smartgrid/*
// aliases resolve through tsconfig.json's paths. Used by `npm run bench:audit`.
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const { config } = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
const compilerOptions = { ...options, module: ts.ModuleKind.CommonJS, sourceMap: false, inlineSourceMap: true, declaration: false };

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};

require('tsconfig-paths').register({ baseUrl: root, paths: config.compilerOptions.paths });
