// The property names of a self-contained bundle that terser may safely rename: members of its own classes that
// nothing outside those classes names. terser renames a property everywhere it appears by that name, so one other use
// of the same name (`arr.length`, a message field, an option, a DOM property) rules the name out.
import ts from 'typescript';

/** Where a property name is written: declarations, accesses, object literal keys and destructuring. */
function propertyNameOf(node) {
  if (ts.isPropertyAccessExpression(node)) return node.name;
  if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) return node.propertyName ?? node.name;
  if (ts.isClassElement(node) || ts.isTypeElement(node) || ts.isObjectLiteralElementLike(node)) return node.name;
  if (ts.isParameter(node) && ts.isParameterPropertyDeclaration(node, node.parent)) return node.name;
  return undefined;
}

const isPrivate = (decl) => (ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Private) !== 0;
const isMember = (decl) => ts.isClassElement(decl) || (ts.isParameter(decl) && ts.isParameterPropertyDeclaration(decl, decl.parent));
const inDeclarationFile = (node) => node.getSourceFile().isDeclarationFile;

/** A non-private member of a class that extends a platform class (`process` of an AudioWorkletProcessor): the platform calls it by name. */
function isPlatformFacing(decl, checker) {
  if (isPrivate(decl)) return false;
  const cls = ts.isParameter(decl) ? decl.parent.parent : decl.parent;
  const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  const symbol = base && checker.getSymbolAtLocation(base.expression);
  return (symbol?.declarations ?? []).some(inDeclarationFile);
}

/**
 * Names of class members (fields, methods, accessors, parameter properties) of the program reachable from
 * `entries` that the type checker resolves, at every place the name is written as a property, to those members
 * only. Ruled out: a name also written as a string literal (`'x' in o`, `o['x']`), declared by an interface, type or
 * object literal, found in a declaration file (the DOM, the ES library), or a public member of a class that extends
 * a platform class. What crosses a thread (postMessage data, processorOptions) is typed by interfaces, so it keeps
 * its names.
 */
export function internalMemberNames(entries, tsconfig = './tsconfig.json') {
  const config = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const program = ts.createProgram(entries, config.options);
  const checker = program.getTypeChecker();
  const own = program.getSourceFiles().filter((f) => !f.isDeclarationFile && !f.fileName.includes('/node_modules/'));
  const candidates = new Set();
  const ruledOut = new Set();
  const visit = (node) => {
    if (ts.isStringLiteralLike(node)) ruledOut.add(node.text);
    const name = propertyNameOf(node);
    if (name !== undefined) {
      if (!ts.isIdentifier(name)) {
        if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) ruledOut.add(name.text);
      } else if (isMember(node)) {
        if (isPlatformFacing(node, checker)) ruledOut.add(name.text);
        else candidates.add(name.text);
      } else {
        const symbol = ts.isShorthandPropertyAssignment(node) ? undefined : checker.getSymbolAtLocation(name);
        const decls = symbol?.declarations ?? [];
        if (decls.length === 0 || !decls.every((d) => isMember(d) && !inDeclarationFile(d))) ruledOut.add(name.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const file of own) visit(file);
  return [...candidates].filter((n) => !ruledOut.has(n)).sort();
}

/** A terser `mangle.properties.regex` that matches exactly these names. */
export function exactNames(names) {
  return new RegExp(`^(?:${names.join('|')})$`);
}
