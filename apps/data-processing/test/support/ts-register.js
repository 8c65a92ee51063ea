// Minimal TypeScript loader for child processes started by tests and for the feed/bench
// scripts: transpiles .ts files on require (per file, as ts-jest with isolatedModules does) and
// resolves the @smartgrid/<lib> aliases to libs/<lib>/src. NestJS 12 packages are ESM; Node
// >= 20.19 require()s them natively.
const Module = require('module');
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '../../../..');
const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  sourceMap: false,
  inlineSourceMap: true,
  isolatedModules: true,
};

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolve(request, parent, ...rest) {
  const m = /^@smartgrid\/([a-z-]+)$/.exec(request);
  if (m) request = path.join(root, 'libs', m[1], 'src');
  return originalResolve.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = function compile(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const out = ts.transpileModule(source, { fileName: filename, compilerOptions, reportDiagnostics: false });
  module._compile(out.outputText, filename);
};
