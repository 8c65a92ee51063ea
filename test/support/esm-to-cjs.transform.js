// Jest transform for ESM-only packages in node_modules (NestJS 12 ships ESM only).
// On Node < 24.9 Jest's CommonJS runtime cannot require() ES modules, so these files are
// rewritten to CommonJS: `import.meta` is mapped to its CommonJS equivalents, then
// TypeScript's transpiler converts import/export. Project sources still go through ts-jest.
const ts = require('typescript');
const crypto = require('crypto');

const VERSION = '1';

function rewriteImportMeta(src) {
  return src
    .replace(/^\s*const require = createRequire\(import\.meta\.url\);\s*$/gm, '')
    .replace(/createRequire\(import\.meta\.url\)/g, 'require')
    .replace(/import\.meta\.dirname/g, '__dirname')
    .replace(/import\.meta\.filename/g, '__filename')
    .replace(/import\.meta\.resolve\(/g, 'require.resolve(')
    .replace(/import\.meta\.url/g, "require('url').pathToFileURL(__filename).href");
}

module.exports = {
  getCacheKey(src, filename) {
    return crypto.createHash('sha1').update(VERSION).update('\0').update(filename).update('\0').update(src).digest('hex');
  },
  process(src, filename) {
    if (!/\b(import|export)\b/.test(src) && !src.includes('import.meta')) return { code: src };
    const out = ts.transpileModule(rewriteImportMeta(src), {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        allowJs: true,
        esModuleInterop: true,
        sourceMap: false,
        inlineSourceMap: true,
      },
      reportDiagnostics: false,
    });
    return { code: out.outputText };
  },
};
