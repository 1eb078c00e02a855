/**
 * @file Turns a TypeScript sample into JavaScript by deleting its type syntax and nothing else, so
 * comments, blank lines and layout survive (the playground shows the README's samples as written).
 * `ts.transpileModule` would reprint the code; this keeps every character that is not a type, as
 * Node's `--experimental-strip-types` and ts-blank-space do. It covers what samples use: annotations
 * (`x: T`, `(): T`), `as T`, `satisfies T`, `x!`, type arguments and parameters, `x?:`,
 * `interface`/`type` declarations, `declare module` augmentations and `import type`.
 */
import ts from 'typescript';

/** `source` without its types (only newlines are kept from a deleted range, so lines stay lines). */
export function stripTypes(source) {
  const file = ts.createSourceFile('sample.ts', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const cuts = []; // [start, end) ranges to delete
  const cutType = (node) => node.type && cuts.push([node.type.pos - 1, node.type.end]); // the ':' precedes the type's full start
  const cutList = (list) => list && cuts.push([list.pos - 1, list.end + 1]); // with its '<' and '>'
  const simple = (e) => ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isCallExpression(e) || ts.isElementAccessExpression(e);
  const visit = (node) => {
    switch (node.kind) {
      case ts.SyntaxKind.InterfaceDeclaration:
      case ts.SyntaxKind.TypeAliasDeclaration:
        cuts.push([node.getStart(file), node.end]);
        return;
      case ts.SyntaxKind.ModuleDeclaration: // `declare module 'adjoint' { … }`: an augmentation of types only
        if (node.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) cuts.push([node.getStart(file), node.end]);
        return;
      case ts.SyntaxKind.ImportDeclaration:
        if (node.importClause?.isTypeOnly) cuts.push([node.getStart(file), node.end]);
        return;
      case ts.SyntaxKind.ParenthesizedExpression: {
        // `(e as Error).message` becomes `e.message`, not `(e).message`.
        const inner = node.expression;
        if ((ts.isAsExpression(inner) || ts.isSatisfiesExpression(inner)) && simple(inner.expression)) {
          cuts.push([node.getStart(file), node.getStart(file) + 1], [inner.expression.end, node.end]);
          visit(inner.expression);
          return;
        }
        break;
      }
      case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.SatisfiesExpression:
        cuts.push([node.expression.end, node.end]);
        visit(node.expression);
        return;
      case ts.SyntaxKind.NonNullExpression:
        cuts.push([node.end - 1, node.end]);
        break;
      case ts.SyntaxKind.Parameter:
      case ts.SyntaxKind.PropertyDeclaration:
        if (node.questionToken) cuts.push([node.questionToken.getStart(file), node.questionToken.end]);
        cutType(node);
        break;
      case ts.SyntaxKind.VariableDeclaration:
        if (node.exclamationToken) cuts.push([node.exclamationToken.getStart(file), node.exclamationToken.end]);
        cutType(node);
        break;
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.FunctionExpression:
      case ts.SyntaxKind.MethodDeclaration:
        cutList(node.typeParameters);
        cutType(node);
        break;
      case ts.SyntaxKind.CallExpression:
      case ts.SyntaxKind.NewExpression:
        cutList(node.typeArguments);
        break;
    }
    // Types are cut whole above; only their JavaScript children are visited.
    ts.forEachChild(node, (child) => (ts.isTypeNode(child) ? undefined : visit(child)));
  };
  visit(file);
  cuts.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of cuts) {
    if (start < at) continue; // nested in a range already cut
    out += source.slice(at, start) + source.slice(start, end).replace(/[^\n]/g, '');
    at = end;
  }
  return out + source.slice(at);
}
