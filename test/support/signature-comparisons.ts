import ts from 'typescript';

/** A comparison that may leak a signature's bytes through its timing. */
export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** Names and expressions that hold a signature, a digest or a secret. */
const SENSITIVE = /signature|digest|hmac|\bmac\b|\bsig\b|expected|candidate|secret|\.toString\(\s*['"`](hex|base64|base64url)['"`]\s*\)/i;
const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);
/** Methods that compare with `===` or byte by byte, stopping at the first difference. */
const COMPARING_METHODS = new Set(['equals', 'compare', 'localeCompare', 'includes', 'indexOf', 'lastIndexOf']);

/** A string literal is a constant, not a signature, even when its text says "signature". */
const isSensitive = (node: ts.Node): boolean => !ts.isStringLiteralLike(node) && SENSITIVE.test(node.getText());

/**
 * Values whose comparison leaks nothing: `undefined`, `null`, booleans,
 * numbers, the empty string, a `typeof`, and lengths (the length of a
 * digest is public).
 */
function isPublic(node: ts.Node): boolean {
  const inner = ts.isParenthesizedExpression(node) ? node.expression : node;
  if (ts.isIdentifier(inner) && inner.text === 'undefined') return true;
  if (
    inner.kind === ts.SyntaxKind.NullKeyword ||
    inner.kind === ts.SyntaxKind.TrueKeyword ||
    inner.kind === ts.SyntaxKind.FalseKeyword ||
    ts.isNumericLiteral(inner) ||
    ts.isTypeOfExpression(inner)
  ) {
    return true;
  }
  if (ts.isStringLiteralLike(inner) && inner.text === '') return true;
  return ts.isPropertyAccessExpression(inner) && ['length', 'byteLength', 'size'].includes(inner.name.text);
}

/**
 * Finds every comparison of a signature, digest or secret that does not go
 * through the constant-time `safeEqual`: `===`, `!==`, `==`, `!=`, `switch`,
 * and `equals`/`compare`/`includes`-style methods, plus any direct use of
 * `timingSafeEqual` outside `src/utils/signature.ts` (which length-checks it).
 */
export function findSignatureComparisons(file: string, source: string): Finding[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const report = (node: ts.Node) => findings.push({ file, line: sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.getText() });

  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && EQUALITY.has(node.operatorToken.kind)) {
      if ((isSensitive(node.left) || isSensitive(node.right)) && !isPublic(node.left) && !isPublic(node.right)) report(node);
    } else if (ts.isSwitchStatement(node) && isSensitive(node.expression)) {
      report(node.expression);
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const { name, expression: receiver } = node.expression;
      if (COMPARING_METHODS.has(name.text) && [receiver, ...node.arguments].some(isSensitive)) report(node);
    }
    if (ts.isIdentifier(node) && node.text === 'timingSafeEqual' && !file.endsWith('src/utils/signature.ts')) report(node);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return findings;
}
