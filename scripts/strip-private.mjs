// Rollup plugin for the declaration builds: removes `private` class members from the emitted .d.ts/.d.cts.
// tsc keeps them (as `private name;`, no type) only so that two classes stay incompatible; they are not API, yet
// they show in editors' completions and make every internal rename look like a change to the package's surface.
// Neither tsc (`stripInternal` needs an @internal tag on each member) nor rollup-plugin-dts can drop them, so this
// parses each chunk with TypeScript and cuts them out, leaving `#private;` where a class had any: what tsc itself
// emits for ES private fields, so the class stays nominal (a plain object with its public members is still not one).
import ts from 'typescript';

/** The source ranges of `private` members (constructors kept: a private one means "not constructible"). */
function privateMembers(file) {
  const classes = [];
  const visit = (node) => {
    if (ts.isClassDeclaration(node)) {
      const members = node.members.filter(
        (m) => !ts.isConstructorDeclaration(m) && (ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Private) !== 0,
      );
      const nominal = node.members.some((m) => m.name !== undefined && ts.isPrivateIdentifier(m.name));
      if (members.length > 0) classes.push({ members, nominal });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return classes;
}

/** `code` without private members. */
function stripPrivateMembers(code) {
  const file = ts.createSourceFile('chunk.d.ts', code, ts.ScriptTarget.Latest, true);
  const cuts = [];
  for (const { members, nominal } of privateMembers(file)) {
    members.forEach((m, i) => {
      // getFullStart: the member's leading comments and line break go with it.
      cuts.push({ start: m.getFullStart(), end: m.getEnd(), text: i === 0 && !nominal ? '\n    #private;' : '' });
    });
  }
  let out = code;
  for (const cut of cuts.sort((a, b) => b.start - a.start)) out = out.slice(0, cut.start) + cut.text + out.slice(cut.end);
  return out;
}

export function stripPrivate() {
  return {
    name: 'strip-private-members',
    renderChunk: (code) => ({ code: stripPrivateMembers(code), map: null }),
  };
}
