// Runs TypeScript sources directly (transpile only, per file, like ts-jest with
// isolatedModules) for scripts that are not part of the build: the demo feed from source,
// benches, and child processes started by tests. The @smartgrid/<lib> aliases resolve
// through tsconfig.json's paths to libs/<lib>/src. NestJS 12 is ESM-only; Node >= 20.19
// require()s it natively.
//   node -r ./infra/runtime/register-ts.js path/to/script.ts
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const tsconfigPaths = require('tsconfig-paths');

const root = path.resolve(__dirname, '../..');
const tsconfigFile = path.join(root, 'tsconfig.json');

/** The compiler and its options, loaded on the first file not in the cache (loading TypeScript alone takes a while). */
let compiler;
function loadCompiler() {
  if (!compiler) {
    const ts = require('typescript');
    const { config } = ts.readConfigFile(tsconfigFile, ts.sys.readFile);
    const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
    compiler = { ts, compilerOptions: { ...options, module: ts.ModuleKind.CommonJS, sourceMap: false, inlineSourceMap: true, declaration: false } };
  }
  return compiler;
}

// Transpiled output is kept on disk by content, so the second start of a script (a test's
// child app, restarted after each kill) reads JavaScript instead of running the compiler over
// every file again. Key: the source, its path (the inline source map names it), tsconfig.json,
// the TypeScript version and this file; a changed input is simply a new key.
const cacheDir = process.env.SMARTGRID_TS_CACHE || path.join(root, 'node_modules/.cache/smartgrid-ts');
const salt = [require('typescript/package.json').version, fs.readFileSync(tsconfigFile, 'utf8'), fs.readFileSync(__filename, 'utf8')].join('\0');

function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(salt).update('\0').update(filename).update('\0').update(source).digest('hex');
  const file = path.join(cacheDir, key.slice(0, 2), `${key}.js`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    // not cached yet
  }
  const { ts, compilerOptions } = loadCompiler();
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename, reportDiagnostics: false });
  try {
    // Written aside and renamed: concurrent processes never read half a file.
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, outputText);
    fs.renameSync(tmp, file);
  } catch {
    // a read-only checkout still runs, only without the cache
  }
  return outputText;
}

require.extensions['.ts'] = (module, filename) => {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

const loaded = tsconfigPaths.loadConfig(root);
if (loaded.resultType !== 'success') throw new Error(`register-ts: ${loaded.message}`);
tsconfigPaths.register({ baseUrl: root, paths: loaded.paths });
