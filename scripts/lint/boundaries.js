// An ESLint rule for the architecture's import boundaries (DESIGN.md, "Layout"). It resolves
// every import to a path in the repository (the kit by its package name included) and checks
// the arrow against the table in eslint.config.js. Path-based, unlike no-restricted-imports'
// specifier patterns, so `../errors.ts` inside core/ and `../../core/errors.ts` from a connector
// are told apart by where they point, not by how they are spelled.
import { dirname, relative, resolve } from 'node:path';

const KIT = '@relais/connector-kit';

/** The repository-relative path an import points at, or undefined for an outside package. */
export function targetOf(spec, file, root) {
  if (spec === KIT || spec.startsWith(`${KIT}/`)) return `packages/connector-kit/${spec.slice(KIT.length + 1) || 'index'}#public`;
  if (!spec.startsWith('.')) return undefined;
  return relative(root, resolve(dirname(file), spec))
    .split('\\')
    .join('/');
}

/** `connectors/tax/sink.ts` → { zone: 'connectors', unit: 'tax' }; top-level files have no unit. */
export function placeOf(path) {
  const [zone, second, ...rest] = path.replace(/#public$/, '').split('/');
  return { zone, unit: rest.length > 0 || path.includes('#public') ? second : undefined, path };
}

/** Protocol code that serves one silo: only that silo's connector and simulator import it. */
export const protocolUsers = { tax: ['tax'], sql: ['waste-management'], xml: ['civil-registry'] };

const isTest = (path) => /\.test\.ts$/.test(path) || /^(test|bench|faults)\//.test(path);
const kitPublic = (to) => to.zone === 'packages' && to.unit === 'connector-kit' && to.path.endsWith('#public');
const inKit = (place) => place.zone === 'packages' && place.unit === 'connector-kit';

/**
 * Why the arrow from → to is forbidden, or undefined when it is allowed. Tests, end-to-end
 * tests, the bench and the fault suite may reach anything (they set the pieces up), except the kit's internals.
 */
export function forbiddenArrow(from, to) {
  if (inKit(to) && !kitPublic(to) && !inKit(from)) {
    return 'import the kit by its name (@relais/connector-kit, /runtime, /testing, /scaffold), never its files';
  }
  if (isTest(from.path)) return undefined;
  if (
    to.zone === 'connectors' &&
    to.unit &&
    !(from.zone === 'connectors' && from.unit === to.unit) &&
    from.path !== 'connectors/registry.ts'
  ) {
    return 'only connectors/registry.ts imports a connector';
  }
  if (to.zone === 'protocols' && !(from.zone === 'protocols' && from.unit === to.unit)) {
    const users = protocolUsers[to.unit] ?? [];
    if (!(['connectors', 'silos'].includes(from.zone) && users.includes(from.unit))) {
      return `protocols/${to.unit}/ serves ${users.map((u) => `connectors/${u} and silos/${u}`).join(', ') || 'no one'} only`;
    }
  }
  switch (from.zone) {
    case 'core':
      return ['core', 'schemas'].includes(to.zone) ? undefined : 'core/ is the kernel: it imports only core/ and schemas/';
    case 'schemas':
      return to.zone === 'schemas' ? undefined : 'schemas/ is the event catalogue: it imports nothing else of Relais';
    case 'packages':
      return inKit(from) && !['core', 'schemas', 'identity', 'privacy'].includes(to.zone) && !inKit(to)
        ? 'the kit builds on the kernel, the catalogue, identity and privacy only'
        : undefined;
    case 'protocols':
      return ['core', 'protocols'].includes(to.zone) ? undefined : 'protocol code imports only the kernel';
    case 'connectors':
      if (from.unit === undefined)
        return ['core', 'schemas', 'identity', 'privacy', 'connectors'].includes(to.zone) || kitPublic(to)
          ? undefined
          : 'the connector host imports the kernel, the kit, privacy and the registry only';
      return (to.zone === 'connectors' && to.unit === from.unit) || kitPublic(to) || to.zone === 'protocols'
        ? undefined
        : 'a connector imports only @relais/connector-kit, its own folder and its protocol';
    case 'silos':
      return ['silos', 'core', 'protocols'].includes(to.zone) && !(to.zone === 'silos' && to.unit !== from.unit && to.unit !== 'shared')
        ? undefined
        : "a simulator stands in for another vendor's software: it imports its own folder, silos/shared and its protocol";
    case 'gateway':
    case 'router':
      return [
        'connectors',
        'silos',
        'bin',
        'protocols',
        'infra',
        'console',
        'citizen',
        from.zone === 'gateway' ? 'router' : 'gateway',
      ].includes(to.zone)
        ? `the ${from.zone} never imports ${to.zone}/`
        : undefined;
    case 'identity':
      return ['core', 'schemas', 'identity'].includes(to.zone)
        ? undefined
        : 'identity/ (pivot ids, links, matching) builds on the kernel and the catalogue only';
    case 'privacy':
      return ['core', 'schemas', 'privacy'].includes(to.zone)
        ? undefined
        : 'privacy/ (citizen keys, sealing, erasure) builds on the kernel and the catalogue only';
    case 'proof':
      return ['core', 'schemas', 'proof'].includes(to.zone) ? undefined : 'proof/ (audit chain, evidence) builds on the kernel only';
    case 'privacy':
      return ['core', 'schemas', 'identity', 'proof', 'privacy'].includes(to.zone)
        ? undefined
        : 'privacy/ (disclosures, objections, notification, retention) builds on the kernel, identity and proof only';
    case 'infra':
      return ['bin', 'silos'].includes(to.zone) ? `infra/ never imports ${to.zone}/` : undefined;
    case 'web':
      return to.zone === 'web'
        ? undefined
        : 'web/ (page shell, i18n, assets) is shared by every web front: it imports nothing else of Relais';
    case 'console':
      // A client of the public HTTP API: the API's generated types, never the store or the gateway's code.
      return ['console', 'web'].includes(to.zone) || to.path.startsWith('gateway/generated/')
        ? undefined
        : 'console/ is a client of the public API: it imports console/, web/ and gateway/generated/ only';
    case 'citizen':
      // The citizen space is a client of the public API too; it shares the console's web front
      // (login, sessions, server), API client and components rather than copying them.
      return ['citizen', 'web'].includes(to.zone) ||
        ['console/api.ts', 'console/login.ts', 'console/session.ts', 'console/components.ts', 'console/web-front.ts'].includes(to.path) ||
        to.path.startsWith('gateway/generated/')
        ? undefined
        : "citizen/ is a client of the public API: it imports citizen/, web/, the console's shared client parts and gateway/generated/ only";
    default:
      return undefined;
  }
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    schema: [],
    messages: { forbidden: '{{from}} may not import {{to}}: {{why}}' },
  },
  create(context) {
    const root = context.cwd;
    const file = relative(root, context.filename).split('\\').join('/');
    const from = placeOf(file);
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const target = targetOf(spec, context.filename, root);
      if (target === undefined) return;
      const to = placeOf(target);
      const why = forbiddenArrow(from, to);
      if (why) context.report({ node, messageId: 'forbidden', data: { from: file, to: target.replace(/#public$/, ''), why } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
