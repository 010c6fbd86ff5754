import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The typing fixtures of event routing (`npm run test:types` compiles them
 * as they are). Here each `// @ts-expect-error` line is blanked before
 * compiling, and every line after one must then fail to compile, and no
 * other line: so each expectation fails for the line it names, and the
 * fixtures compile cleanly with the directives in place.
 */
const CONFIG = resolve('test/types/events/tsconfig.json');
const DIRECTIVE = /\/\/ @ts-expect-error\b.*$/;

function fixtureFiles(): { options: ts.CompilerOptions; fileNames: string[] } {
  const { config } = ts.readConfigFile(CONFIG, ts.sys.readFile);
  const { options, fileNames } = ts.parseJsonConfigFileContent(config, ts.sys, dirname(CONFIG));
  return { options, fileNames };
}

/** `file:line` of each line that follows a directive, 1-based. */
function expectedErrors(fileNames: readonly string[]): string[] {
  return fileNames.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) => (DIRECTIVE.test(line) ? [`${file}:${index + 2}`] : [])),
  );
}

/** The diagnostics of the fixtures with every directive blanked, as `file:line` and their messages. */
function compileWithoutDirectives(): { at: string; message: string }[] {
  const { options, fileNames } = fixtureFiles();
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) =>
    fileNames.includes(fileName)
      ? ts.createSourceFile(fileName, ts.sys.readFile(fileName)!.replace(new RegExp(DIRECTIVE, 'gm'), '// (directive blanked)'), language)
      : getSourceFile(fileName, language, ...rest);
  const program = ts.createProgram(fileNames, options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return { at: 'global', message };
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return { at: `${diagnostic.file.fileName}:${line + 1}`, message };
  });
}

describe('event typing (test/types/events)', () => {
  it('fails to compile exactly the lines marked @ts-expect-error: a wrong event name, handler or payload field', () => {
    const { fileNames } = fixtureFiles();
    const expected = expectedErrors(fileNames);
    expect(expected.length).toBeGreaterThanOrEqual(15);

    const errors = compileWithoutDirectives();
    expect([...new Set(errors.map((error) => error.at))].sort()).toEqual([...expected].sort());
    const messages = errors.map((error) => error.message).join('\n');
    expect(messages).toContain(`Argument of type '"invoice.payed"' is not assignable to parameter of type 'WebhookEventSelector<"stripe">'`);
    expect(messages).toContain(`Property 'no_such_field' does not exist on type 'Invoice'`);
    expect(messages).toContain(`Property 'action' does not exist on type 'PushEvent'`);
  }, 300_000);
});
