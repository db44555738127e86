// Jest transform for .vue single-file components, built on @vue/compiler-sfc (what Vite's plugin
// uses) because @vue/vue3-jest supports only Jest 29. <script setup lang="ts"> is compiled with
// the template inlined, then TypeScript is stripped with `ts.transpileModule`. Styles are not
// needed by component tests and are dropped.
const crypto = require('node:crypto');
const { parse, compileScript, compileTemplate } = require('@vue/compiler-sfc');
const ts = require('typescript');

const compilerOptions = { isCustomElement: (tag) => tag === 'altcha-widget' };

function toCommonJs(code, filename) {
  return ts.transpileModule(code, {
    fileName: `${filename}.ts`,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: true,
    },
  }).outputText;
}

module.exports = {
  getCacheKey(source, filename) {
    return crypto.createHash('sha256').update(source).update(filename).update('vue-transform-v1').digest('hex');
  },
  process(source, filename) {
    const { descriptor, errors } = parse(source, { filename });
    if (errors.length) throw new Error(`${filename}: ${errors.map((e) => e.message).join('; ')}`);
    const id = crypto.createHash('sha256').update(filename).digest('hex').slice(0, 8);
    if (descriptor.scriptSetup || descriptor.script) {
      const script = compileScript(descriptor, {
        id,
        inlineTemplate: true,
        templateOptions: { compilerOptions },
      });
      return { code: toCommonJs(script.content, filename) };
    }
    // Template-only component.
    const tpl = compileTemplate({ source: descriptor.template.content, filename, id, compilerOptions });
    if (tpl.errors.length) throw new Error(`${filename}: ${tpl.errors.join('; ')}`);
    return { code: toCommonJs(`${tpl.code}\nexport default { render };`, filename) };
  },
};
