/**
 * @file What a user's editor sees of adjoint: the declarations reachable from the built
 * `index.d.ts`, walked through every type they name, with each `any`, each leaked `@internal`
 * member and each named type that a public signature uses but the package does not export.
 */
import ts from 'typescript';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Emits the package's declarations, as `npm run build` does, into a fresh directory; returns it. */
export function buildDeclarations(): string {
  const out = mkdtempSync(join(tmpdir(), 'adjoint-dts-'));
  const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.build.json'), '--emitDeclarationOnly', '--outDir', out], {
    cwd: repoRoot,
    stdio: 'pipe',
  });
  return out;
}

export interface DeclarationReport {
  /** `file:line  Owner.member` of every `any` keyword in a reachable declaration. */
  readonly anys: string[];
  /** Reachable declarations carrying an `@internal` tag (stripInternal should have removed them). */
  readonly internals: string[];
  /** Named types (interfaces, aliases, classes, enums) used by a public declaration but not exported. */
  readonly unexported: string[];
  /** Errors in the declaration files themselves (checked with skipLibCheck off). */
  readonly diagnostics: string[];
}

/** Walks everything `index.d.ts` in `dir` exposes. */
export function scanDeclarations(dir: string): DeclarationReport {
  const index = join(dir, 'index.d.ts');
  const program = ts.createProgram([index], {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
  });
  const checker = program.getTypeChecker();
  const ours = (file: ts.SourceFile) => !relative(dir, file.fileName).startsWith('..');
  const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

  // The exported symbols, through namespace re-exports (`export * as random`).
  const exported = new Set<ts.Symbol>();
  const roots: ts.Declaration[] = [];
  const addModule = (mod: ts.Symbol) => {
    for (const e of checker.getExportsOfModule(mod)) {
      const s = resolve(e);
      if (exported.has(s)) continue;
      exported.add(s);
      if (s.flags & ts.SymbolFlags.ValueModule && s.declarations?.some((d) => ts.isSourceFile(d))) addModule(s);
      else roots.push(...(s.declarations ?? []));
    }
  };
  addModule(checker.getSymbolAtLocation(program.getSourceFile(index)!)!);

  const anys: string[] = [];
  const internals: string[] = [];
  const unexported = new Set<string>();
  const seen = new Set<ts.Node>();
  const queue = [...roots];
  const where = (node: ts.Node) => {
    const file = node.getSourceFile();
    const { line } = file.getLineAndCharacterOfPosition(node.getStart());
    const names: string[] = [];
    for (let n: ts.Node | undefined = node; n && !ts.isSourceFile(n); n = n.parent) {
      const name = (n as { name?: ts.Node }).name;
      if (name && (ts.isIdentifier(name) || ts.isStringLiteral(name))) names.unshift(name.text);
    }
    return `${relative(dir, file.fileName)}:${line + 1} ${names.join('.')}`;
  };
  const isInternal = (node: ts.Node) => ts.getJSDocTags(node).some((t) => t.tagName.text === 'internal');
  const isPrivate = (node: ts.Node) => {
    const name = (node as { name?: ts.Node }).name;
    return (
      (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)) ||
      (name !== undefined && ts.isPrivateIdentifier(name))
    );
  };
  const follow = (symbol: ts.Symbol | undefined) => {
    if (!symbol) return;
    const s = resolve(symbol);
    const decls = (s.declarations ?? []).filter((d) => ours(d.getSourceFile()) && !ts.isTypeParameterDeclaration(d));
    if (decls.length === 0) return;
    const named = ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class | ts.SymbolFlags.Enum;
    if (s.flags & named && !exported.has(s)) unexported.add(`${s.name} (${relative(dir, decls[0]!.getSourceFile().fileName)})`);
    for (const d of decls) if (!seen.has(d)) queue.push(d);
  };
  const visit = (node: ts.Node): void => {
    if (isPrivate(node)) return;
    if (node.kind === ts.SyntaxKind.AnyKeyword) anys.push(where(node));
    if (ts.isTypeReferenceNode(node)) follow(checker.getSymbolAtLocation(ts.isQualifiedName(node.typeName) ? node.typeName.right : node.typeName));
    else if (ts.isExpressionWithTypeArguments(node)) follow(checker.getSymbolAtLocation(node.expression));
    else if (ts.isTypeQueryNode(node)) follow(checker.getSymbolAtLocation(ts.isQualifiedName(node.exprName) ? node.exprName.right : node.exprName));
    else if (ts.isImportTypeNode(node)) {
      const t = checker.getTypeFromTypeNode(node);
      follow(t.aliasSymbol ?? t.getSymbol());
    }
    if ((ts.isClassElement(node) || ts.isTypeElement(node)) && isInternal(node)) {
      internals.push(where(node));
      return;
    }
    ts.forEachChild(node, visit);
  };
  while (queue.length > 0) {
    const decl = queue.pop()!;
    if (seen.has(decl)) continue;
    seen.add(decl);
    if (isInternal(decl)) internals.push(where(decl));
    visit(decl);
  }

  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? relative(dir, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  return { anys, internals: [...new Set(internals)], unexported: [...unexported].sort(), diagnostics };
}

/**
 * Type-checks the project at `project` (a directory with a tsconfig.json, importing 'adjoint') with
 * 'adjoint' resolved to the declarations in `dir`, as a user's project sees the package; returns its errors.
 */
export function compileAgainst(project: string, dir: string): string[] {
  const configPath = join(project, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) return [ts.flattenDiagnosticMessageText(read.error.messageText, '\n')];
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, project);
  const options = { ...parsed.options, paths: { adjoint: [join(dir, 'index.d.ts')] } };
  const program = ts.createProgram(parsed.fileNames, options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const at = d.file && d.start !== undefined ? `${relative(project, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    return `${at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

/**
 * Type-checks each documentation sample as a module of its own in a user's strict project (Node's
 * types, 'adjoint' resolved to the declarations in `dir`); returns the errors as
 * `docs/jit.md:42: message`, at the line of the markdown file.
 */
export function compileSamples(samples: readonly { where: string; source: string }[], dir: string): string[] {
  const project = join(repoRoot, 'test', '.generated', 'typed-samples');
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  const files = samples.map((s, i) => {
    const file = join(project, `sample${i}.ts`);
    writeFileSync(file, `${s.source}\nexport {};\n`);
    return file;
  });
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    paths: { adjoint: [join(dir, 'index.d.ts')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const i = d.file ? files.indexOf(d.file.fileName) : -1;
    let at = d.file?.fileName ?? '';
    if (i >= 0 && d.start !== undefined) { // `where` is the line of the opening ```ts; the sample's line k (from 0) is the file's where + 1 + k
      const [file, fence] = samples[i]!.where.split(':');
      at = `${file}:${Number(fence) + 1 + d.file!.getLineAndCharacterOfPosition(d.start).line}`;
    }
    return `${at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}
