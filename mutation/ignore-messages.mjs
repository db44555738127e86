// A Stryker ignorer, "messages": leaves out the mutants of message texts, the string and template literals that
// only become the words of an error, a diagnostic, a warning or a log line.
//
// Why: they are a fifth of the critical paths' mutants (spec/ alone writes a sentence and a fix for each of its
// hundreds of checks), and the mutant "" in place of a sentence asks whether a test pins that sentence's wording,
// not whether a bug would ship. What matters about a diagnostic (that it is raised, at which file, line and path,
// with which severity) is not text inside these calls, so it stays mutated: the condition that raises it, the
// cursor it is raised on, the call itself. Strings elsewhere (field names, metric names, labels, statuses) stay
// mutated too. Stryker reports the mutants left out as Ignored, and `npm run mutation` counts them per area.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

// Calls whose literal arguments are only words for a person: the spec reader's diagnostics and the description
// of what a field should hold (`at.string(true, 'a receiver name')` says it in the error), the constructs'
// synth-time errors, the router's logger; and any constructor named *Error.
const MESSAGE_CALLS = new Set([
  'error',
  'warn',
  'fail',
  'fileError',
  'inputError',
  'expectMap',
  'expectSeq',
  'string',
  'number',
  'log',
]);

function calleeName(callee) {
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression' && callee.property.type === 'Identifier') return callee.property.name;
  return undefined;
}

/** The call a literal is an argument of, through the text built around it (`a ${b} c`, 'a' + b, x ? 'a' : 'b'). */
function enclosingCall(path) {
  let node = path;
  while (
    node.parentPath &&
    (node.parentPath.isTemplateLiteral() ||
      (node.parentPath.isBinaryExpression() && node.parentPath.node.operator === '+') ||
      (node.parentPath.isConditionalExpression() && node.parentPath.node.test !== node.node) ||
      (node.parentPath.isLogicalExpression() && node.parentPath.node.operator !== '&&'))
  ) {
    node = node.parentPath;
  }
  const call = node.parentPath;
  if (!call || !(call.isCallExpression() || call.isNewExpression())) return undefined;
  return call.node.arguments.includes(node.node) ? call.node : undefined;
}

export const messageIgnorer = {
  shouldIgnore(path) {
    if (!path.isStringLiteral() && !path.isTemplateLiteral()) return undefined;
    const call = enclosingCall(path);
    const name = call && calleeName(call.callee);
    if (!name) return undefined;
    if (MESSAGE_CALLS.has(name) || (call.type === 'NewExpression' && name.endsWith('Error'))) {
      return `message text (an argument of ${name}())`;
    }
    return undefined;
  },
};

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'messages', messageIgnorer)];
