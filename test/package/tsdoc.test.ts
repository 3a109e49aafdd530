/**
 * TSDoc coverage of the public API (project standard: "every public function and type has a
 * TSDoc comment … with an @example", OpenTelemetry JS style).
 *
 * One TypeScript program over the public entry points (`src/index.ts`, `adapters/index.ts`,
 * `adapters/<name>/index.ts`). Every symbol those modules export is followed through
 * re-exports/aliases to its declaration(s), and checked:
 *
 * | declaration                                   | needs                                          |
 * |-----------------------------------------------|------------------------------------------------|
 * | function                                      | doc comment + `@example`                       |
 * | class                                         | doc comment + `@example`                       |
 * | public method of an exported class            | doc comment + `@example`                       |
 * | public property / accessor of an exported class | doc comment (own, or inherited from the interface/base class it implements) |
 * | const whose value is callable                 | doc comment + `@example`                       |
 * | other const / let                             | doc comment                                    |
 * | interface                                     | doc comment (+ `@example` when it has methods) |
 * | interface member, member of an object-literal type alias | doc comment (one line is enough)    |
 * | type alias, enum                              | doc comment                                    |
 *
 * Members that are `private`/`protected`, `#private`, underscore-prefixed or tagged `@internal`
 * are skipped. A "doc comment" is a `/** … *\/` block with a non-empty summary (tags alone do not
 * count). Failures list every offender as `file:line  what  — missing …`.
 *
 * Not checked mechanically (reviewers' job): that the text gives shapes, units (µs/ms), what is
 * thrown or swallowed and the spec followed.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import ts from 'typescript';

const root = path.resolve(__dirname, '..', '..');

interface Offender {
  /** `src/x.ts:12` relative to the repo root. */
  where: string;
  /** `function createTracer`, `method Tracer.startSpan`, … */
  what: string;
  /** `doc comment`, `@example`, or both. */
  missing: string[];
}

function entryPoints(): string[] {
  const adapters = fs
    .readdirSync(path.join(root, 'adapters'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, 'adapters', d.name, 'index.ts')))
    .map((d) => path.join(root, 'adapters', d.name, 'index.ts'));
  return [path.join(root, 'src', 'index.ts'), path.join(root, 'adapters', 'index.ts'), ...adapters];
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
  return { ...parsed.options, noEmit: true };
}

/** The JSDoc blocks attached to a declaration (for a variable: those on its statement). */
function docsOf(node: ts.Node): ts.JSDoc[] {
  return ts.getJSDocCommentsAndTags(node).filter((n): n is ts.JSDoc => n.kind === ts.SyntaxKind.JSDoc);
}

function hasSummary(node: ts.Node): boolean {
  return docsOf(node).some((d) => {
    const c = d.comment;
    const text = typeof c === 'string' ? c : (c ?? []).map((p) => p.text).join('');
    return text.trim().length > 0;
  });
}

function hasTag(node: ts.Node, name: string): boolean {
  return docsOf(node).some((d) => (d.tags ?? []).some((t) => t.tagName.text === name));
}

function isSkippedMember(member: ts.ClassElement | ts.TypeElement): boolean {
  const name = member.name;
  if (name && (ts.isPrivateIdentifier(name) || (ts.isIdentifier(name) && name.text.startsWith('_')))) return true;
  const flags = ts.getCombinedModifierFlags(member as unknown as ts.Declaration);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return true;
  return hasTag(member, 'internal');
}

function memberName(member: ts.ClassElement | ts.TypeElement): string {
  const name = member.name;
  if (!name) return ts.isConstructorDeclaration(member) ? 'constructor' : '(signature)';
  return ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) ? name.text : name.getText();
}

function isFunctionLike(expr: ts.Expression | undefined): boolean {
  if (!expr) return false;
  while (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr)) expr = expr.expression;
  return ts.isArrowFunction(expr) || ts.isFunctionExpression(expr);
}

interface Result {
  offenders: Offender[];
  /** Declarations and members looked at. */
  checked: number;
  /** Files (relative to `base`) that declare something exported. */
  files: Set<string>;
}

/**
 * Runs the whole check over one program; returns every offender (deduplicated, sorted by
 * file:line, paths relative to `base`).
 */
function collectOffenders(entries: string[], options: ts.CompilerOptions, base: string, host?: ts.CompilerHost): Result {
  const program = ts.createProgram(entries, options, host);
  const checker = program.getTypeChecker();
  const offenders: Offender[] = [];
  const seen = new Set<ts.Node>();
  const files = new Set<string>();
  let checked = 0;

  const where = (node: ts.Node): string => {
    const sf = node.getSourceFile();
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return `${path.relative(base, sf.fileName).split(path.sep).join('/')}:${line + 1}`;
  };
  const check = (node: ts.Node, what: string, needExample: boolean): void => {
    if (seen.has(node)) return;
    seen.add(node);
    checked++;
    const missing: string[] = [];
    if (!hasSummary(node)) missing.push('doc comment');
    if (needExample && !hasTag(node, 'example')) missing.push('@example');
    if (missing.length) offenders.push({ where: where(node), what, missing });
  };
  const checkMembers = (owner: string, members: ts.NodeArray<ts.TypeElement>): void => {
    for (const m of members) {
      if (isSkippedMember(m)) continue;
      const kind = ts.isMethodSignature(m) ? 'method' : ts.isPropertySignature(m) ? 'property' : 'signature';
      check(m, `${kind} ${owner}.${memberName(m)}`, false);
    }
  };
  /** A doc comment on the same-named member of an implemented interface or base class. */
  const inheritsDoc = (cls: ts.ClassDeclaration, name: string): boolean =>
    (cls.heritageClauses ?? []).some((h) =>
      h.types.some((t) => {
        const prop = checker.getTypeAtLocation(t).getProperty(name);
        return (prop?.declarations ?? []).some((d) => hasSummary(d));
      }),
    );

  const checkDeclaration = (decl: ts.Declaration, exportedName: string): void => {
    const sf = decl.getSourceFile();
    if (sf.isDeclarationFile || sf.fileName.includes('/node_modules/')) return;
    files.add(path.relative(base, sf.fileName).split(path.sep).join('/'));
    if (hasTag(decl, 'internal')) return;

    if (ts.isFunctionDeclaration(decl)) {
      // Overloads: the first signature carries the doc (it is what editors and .d.ts show).
      const sym = decl.name ? checker.getSymbolAtLocation(decl.name) : undefined;
      const first = sym?.declarations?.find(ts.isFunctionDeclaration) ?? decl;
      check(first, `function ${exportedName}`, true);
    } else if (ts.isClassDeclaration(decl)) {
      check(decl, `class ${exportedName}`, true);
      const firstOfName = new Set<string>();
      for (const m of decl.members) {
        if (ts.isConstructorDeclaration(m) || ts.isClassStaticBlockDeclaration(m) || ts.isSemicolonClassElement(m)) continue;
        if (ts.isIndexSignatureDeclaration(m) || isSkippedMember(m)) continue;
        const name = memberName(m);
        const isStatic = (ts.getCombinedModifierFlags(m as ts.Declaration) & ts.ModifierFlags.Static) !== 0;
        const label = `${exportedName}${isStatic ? '.' : '#'}${name}`;
        if (ts.isMethodDeclaration(m) || (ts.isPropertyDeclaration(m) && isFunctionLike(m.initializer))) {
          const key = `${isStatic}:${name}`;
          if (firstOfName.has(key)) continue; // later overloads / implementation
          firstOfName.add(key);
          check(m, `method ${label}`, true);
        } else if (ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m)) {
          const key = `${isStatic}:accessor:${name}`;
          if (firstOfName.has(key)) continue;
          firstOfName.add(key);
          if (!inheritsDoc(decl, name)) check(m, `accessor ${label}`, false);
        } else if (!inheritsDoc(decl, name)) {
          check(m, `property ${label}`, false);
        }
      }
    } else if (ts.isInterfaceDeclaration(decl)) {
      const hasMethods = decl.members.some(
        (m) => !isSkippedMember(m) && (ts.isMethodSignature(m) || ts.isCallSignatureDeclaration(m)),
      );
      check(decl, `interface ${exportedName}`, hasMethods);
      checkMembers(exportedName, decl.members);
    } else if (ts.isTypeAliasDeclaration(decl)) {
      check(decl, `type ${exportedName}`, false);
      // A plain object shape is an interface in all but name; unions are described on the alias.
      if (ts.isTypeLiteralNode(decl.type)) checkMembers(exportedName, decl.type.members);
    } else if (ts.isEnumDeclaration(decl)) {
      check(decl, `enum ${exportedName}`, false);
    } else if (ts.isVariableDeclaration(decl)) {
      const type = checker.getTypeAtLocation(decl);
      const callable = isFunctionLike(decl.initializer) || type.getCallSignatures().length > 0;
      check(decl, `${callable ? 'function-valued const' : 'const'} ${exportedName}`, callable);
    } else if (ts.isModuleDeclaration(decl)) {
      check(decl, `namespace ${exportedName}`, false);
    }
  };

  for (const entry of entries) {
    const sf = program.getSourceFile(entry);
    if (!sf) throw new Error(`entry point not in program: ${entry}`);
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) continue; // a side-effect-only module (adapters/index.ts) exports nothing
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      for (const decl of target.declarations ?? []) checkDeclaration(decl, exported.name);
    }
  }

  offenders.sort((a, b) => a.where.localeCompare(b.where, 'en', { numeric: true }));
  return { offenders, checked, files };
}

const format = (list: Offender[]): string[] => list.map((o) => `${o.where}  ${o.what}  — missing ${o.missing.join(' + ')}`);

/** A small in-memory package with known gaps, to prove the walker finds what it should. */
function fixtureOffenders(): Result {
  const dir = path.join(root, '__tsdoc_fixture__');
  const files: Record<string, string> = {
    [path.join(dir, 'index.ts')]: [
      "export { documented, undocumented, Thing, type Shape, type Plain, type Union, handler, LIMIT } from './impl';",
      "export * from './more';",
    ].join('\n'),
    [path.join(dir, 'impl.ts')]: [
      '/**', ' * Adds one.', ' * @example', ' * ```ts', ' * documented(1);', ' * ```', ' */',
      'export function documented(n: number): number { return n + 1; }',
      'export function undocumented(): void {}',
      '/** Has no example. */',
      'export class Thing implements Shape {',
      '  size = 1;',
      '  /** Public, documented, no example. */',
      '  go(): void {}',
      '  /** @internal */',
      '  hidden(): void {}',
      '  private secret(): void {}',
      '  _under(): void {}',
      '  undocProp = 2;',
      '}',
      '/** A shape. */',
      'export interface Shape {', '  /** Size in bytes. */', '  size: number;', '  area(): number;', '}',
      '/** Plain object type. */',
      'export type Plain = { a: number;', '  /** Documented. */', '  b: string };',
      '/** Union: variants described here. */',
      "export type Union = { kind: 'a' } | { kind: 'b' };",
      '/** A callable const without example. */',
      'export const handler = (): void => {};',
      'export const LIMIT = 3;',
    ].join('\n'),
    [path.join(dir, 'more.ts')]: ['/** Documented enum. */', 'export enum Color { Red }', 'export function fromStar(): void {}'].join('\n'),
  };
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, noEmit: true, noLib: true, types: [] };
  const host = ts.createCompilerHost(options);
  const realGet = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) =>
    files[name] !== undefined ? ts.createSourceFile(name, files[name], lang, true) : realGet(name, lang, onError, create);
  const realExists = host.fileExists.bind(host);
  host.fileExists = (name) => files[name] !== undefined || realExists(name);
  const realRead = host.readFile.bind(host);
  host.readFile = (name) => files[name] ?? realRead(name);
  const realDirExists = host.directoryExists?.bind(host);
  host.directoryExists = (name) => name === dir || (realDirExists ? realDirExists(name) : false);
  return collectOffenders([path.join(dir, 'index.ts')], options, dir, host);
}

describe('TSDoc on every public export', () => {
  let result: Result;
  beforeAll(() => {
    result = collectOffenders(entryPoints(), compilerOptions(), root);
  });

  it('walks the public entry points and finds the core API and the adapters', () => {
    // Guards against a broken walk passing vacuously.
    expect(result.checked).toBeGreaterThan(300);
    const files = [...result.files];
    expect(files).toEqual(expect.arrayContaining(['src/trace/Tracer.ts', 'src/api/types.ts', 'src/trace/Span.ts', 'src/sampling/RemoteSampler.ts']));
    for (const a of ['jaeger', 'zipkin', 'skywalking', 'otlp']) expect(files.some((f) => f.startsWith(`adapters/${a}/`))).toBe(true);
  });

  it('the checker flags exactly the known gaps of a fixture package (file:line, what, missing)', () => {
    expect(format(fixtureOffenders().offenders)).toEqual([
      'impl.ts:9  function undocumented  — missing doc comment + @example',
      'impl.ts:11  class Thing  — missing @example',
      'impl.ts:14  method Thing#go  — missing @example',
      'impl.ts:19  property Thing#undocProp  — missing doc comment',
      'impl.ts:22  interface Shape  — missing @example',
      'impl.ts:25  method Shape.area  — missing doc comment',
      'impl.ts:28  property Plain.a  — missing doc comment',
      'impl.ts:34  function-valued const handler  — missing @example',
      'impl.ts:35  const LIMIT  — missing doc comment',
      'more.ts:3  function fromStar  — missing doc comment + @example',
    ]);
  });

  it('src/: every exported function, class, public method, interface, type and const is documented (with @example where required)', () => {
    const src = format(result.offenders.filter((o) => o.where.startsWith('src/')));
    expect(src).toEqual([]);
  });

  it('adapters/: every exported function, class, public method, interface, type and const is documented (with @example where required)', () => {
    const adapters = format(result.offenders.filter((o) => o.where.startsWith('adapters/')));
    expect(adapters).toEqual([]);
  });
});
