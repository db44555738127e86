// A Stryker checker, "typescript-file": drops the mutants that do not type-check, as Stryker's typescript checker
// does, at a fraction of its cost in the cdk.
//
// Why: Stryker's checker drives tsc's solution builder in watch mode (project references, declaration emit, a
// file-watch round trip per mutant). Against aws-cdk-lib's types that cost 10-20 s of CPU a mutant, so two
// checkers passed the test runners about 5-10 cdk mutants a minute and the runners idled (6 Dec 2026). This one
// keeps one TypeScript builder program in memory and, per mutant, swaps the mutated file's text in and asks the
// builder for the diagnostics of the files the change affects: the mutated file, and its importers when its
// declarations changed (the builder decides, as `tsc --watch` does). That is the same verdict for 0.2-0.4 s.
import { resolve } from 'node:path';
import ts from 'typescript';
import { CheckStatus } from '@stryker-mutator/api/check';
import { commonTokens, declareClassPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';

// Only diagnostics are wanted: nothing is written, and no build info is read or kept between runs. A mutant that
// leaves a local unused or code unreachable (an emptied block) still compiles: as for Stryker's own checker, those
// lint-like options are off, so such a mutant is tested, not dropped.
const CHECK_ONLY = {
  allowUnreachableCode: true,
  noUnusedLocals: false,
  noUnusedParameters: false,
  noEmit: true,
  composite: false,
  declaration: false,
  declarationMap: false,
  emitDeclarationOnly: false,
  incremental: false,
  sourceMap: false,
};

// The marker of Stryker's instrumented code: a checker reading it would judge every mutant at once.
const INSTRUMENTED = 'stryMutAct_9fa48';

const formatHost = {
  getCanonicalFileName: (fileName) => fileName,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => '\n',
};
const format = (diagnostics) => ts.formatDiagnostics(diagnostics, formatHost);

/** The text of a file with one mutant in it (Stryker's locations are 0-based lines and columns). */
export function applyMutant(original, mutant) {
  const lines = ts.computeLineStarts(original);
  const offset = ({ line, column }) => lines[line] + column;
  return (
    original.slice(0, offset(mutant.location.start)) + mutant.replacement + original.slice(offset(mutant.location.end))
  );
}

export class TypescriptFileChecker {
  static inject = tokens(commonTokens.options);

  /** @type {Map<string, ts.SourceFile>} the project's files as they are on disk, parsed once */
  #sources = new Map();
  /** @type {ts.SourceFile | undefined} the file being checked with a mutant in it */
  #mutated;
  #versions = 0;
  #config;
  #host;
  #builder;

  constructor(options) {
    this.tsconfigFile = resolve(options.tsconfigFile);
  }

  async init() {
    const config = ts.getParsedCommandLineOfConfigFile(this.tsconfigFile, CHECK_ONLY, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(`typescript-file checker: ${format([diagnostic])}`);
      },
    });
    if (config.errors.length) throw new Error(`typescript-file checker: ${format(config.errors)}`);
    this.#config = config;
    const host = ts.createCompilerHost(config.options);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion) => {
      if (this.#mutated?.fileName === fileName) return this.#mutated;
      let file = this.#sources.get(fileName);
      if (!file) {
        file = read(fileName, languageVersion);
        if (!file) return undefined;
        if (file.text.includes(INSTRUMENTED)) {
          throw new Error(`typescript-file checker: ${fileName} holds Stryker's instrumented code, not the source`);
        }
        // The builder tells a changed file from an unchanged one by this version.
        file.version = 'source';
        this.#sources.set(fileName, file);
      }
      return file;
    };
    this.#host = host;
    const errors = this.#rebuild();
    if (errors.length) {
      throw new Error(`typescript-file checker: the project does not compile before any mutant:\n${format(errors)}`);
    }
  }

  /**
   * @param {import('@stryker-mutator/api/core').Mutant[]} mutants
   * @returns {Promise<Record<string, import('@stryker-mutator/api/check').CheckResult>>}
   */
  async check(mutants) {
    const results = {};
    for (const mutant of mutants) {
      const fileName = resolve(mutant.fileName);
      const source = this.#builder.getProgram().getSourceFile(fileName) && this.#sources.get(fileName);
      // A file outside the project (a script, a config) is not the checker's to judge.
      if (!source) {
        results[mutant.id] = { status: CheckStatus.Passed };
        continue;
      }
      const text = applyMutant(source.text, mutant);
      this.#mutated = ts.createSourceFile(fileName, text, source.languageVersion, true);
      this.#mutated.version = `mutant ${++this.#versions}`;
      const errors = this.#rebuild(this.#mutated);
      results[mutant.id] = errors.length
        ? { status: CheckStatus.CompileError, reason: format(errors) }
        : { status: CheckStatus.Passed };
    }
    return results;
  }

  /** A new builder program from the last one; the diagnostics of the files the change affected. */
  #rebuild(changed) {
    this.#builder = ts.createSemanticDiagnosticsBuilderProgram(
      this.#config.fileNames,
      this.#config.options,
      this.#host,
      this.#builder,
      this.#config.errors,
      this.#config.projectReferences,
    );
    const syntax = changed ? this.#builder.getSyntacticDiagnostics(changed) : this.#builder.getSyntacticDiagnostics();
    return [...this.#builder.getOptionsDiagnostics(), ...syntax, ...this.#builder.getSemanticDiagnostics()];
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Checker, 'typescript-file', TypescriptFileChecker)];
