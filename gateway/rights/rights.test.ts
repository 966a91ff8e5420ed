/**
 * The rights file: the repository's own is valid against its schema, the catalogue and the flows;
 * a bad one is refused with `file:line` problems; and the decisions deny by default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFlows } from '../../core/flows/flows.ts';
import { ADDRESS_CHANGED_V1, DEATH_REGISTERED_V1 } from '../../schemas/index.ts';
import type { Caller } from '../auth.ts';
import { grantsOf, namingDecision, originateRule, readDecision } from './decide.ts';
import { checkRights, loadRights } from './rights.ts';

const flows = loadFlows('flows');
const rights = loadRights('flows/rights.yaml', flows);
const service = (name: string, system?: string): Caller => ({ name, kind: 'service', scopes: [], system });
const agent = (name: string, roles: string[]): Caller => ({ name, kind: 'agent', scopes: [], roles });

test("the repository's rights file is valid and the flows do not read it as a flow file", () => {
  assert.ok(rights.clients.has('waste-desk'));
  assert.ok(rights.roles.has('civil-registry-officer'));
  assert.match(rights.clients.get('waste-desk')!.where, /^flows\/rights\.yaml:\d+$/);
});

test('a bad rights file: every problem with its file and line', () => {
  const text = [
    'clients:',
    '  desk:',
    '    system: archives',
    '    originate:',
    '      - id: x1',
    '        events: [fr.relais.citizen.nothing.v1]',
    '        channels: [desk]',
    '    read: [timelines]',
    'roles:',
    '  agent:',
    '    naming: [everyone]',
  ].join('\n');
  const { problems } = checkRights('rights.yaml', text, flows);
  assert.ok(
    problems.some((p) => /^rights\.yaml:8: clients\.desk\.read\[0\]: /.test(p)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => /^rights\.yaml:11: roles\.agent\.naming\[0\]: /.test(p)),
    problems.join('\n'),
  );

  const references = checkRights('rights.yaml', text.replace('[timelines]', '[own-changes]').replace('[everyone]', '[civil-data]'), flows);
  assert.deepEqual(references.problems, [
    'rights.yaml:3: clients.desk.system: system "archives" is not declared in the flows',
    'rights.yaml:6: clients.desk.originate[0].events[0]: unknown event type "fr.relais.citizen.nothing.v1" (no schema in schemas/events/)',
  ]);
  assert.match(checkRights('r.yaml', 'clients: [', flows).problems[0] ?? '', /^r\.yaml:1: /);
});

test('deny by default: a caller without an entry may do nothing', () => {
  const stranger = service('stranger');
  assert.deepEqual(grantsOf(rights, stranger), []);
  assert.equal((originateRule(rights, stranger, ADDRESS_CHANGED_V1, 'web') as { rule: string }).rule, 'deny-by-default');
  assert.equal((readDecision(rights, stranger, 'changes') as { rule: string }).rule, 'deny-by-default');
  // An agent's subject is never taken for a client's name.
  assert.deepEqual(grantsOf(rights, agent('waste-desk', [])), []);
});

test('waste-desk may tell an address at its desk, not a death, nor through the web', () => {
  const desk = service('waste-desk', 'waste-management');
  const allowed = originateRule(rights, desk, ADDRESS_CHANGED_V1, 'desk');
  assert.equal((allowed as { label: string }).label, 'clients.waste-desk.originate.waste-desk-household-details');
  const death = originateRule(rights, desk, DEATH_REGISTERED_V1, 'desk') as { rule: string; detail: string };
  assert.equal(death.rule, 'originate');
  assert.match(death.detail, /client waste-desk may not originate fr\.relais\.citizen\.death\.registered\.v1 through desk/);
  assert.match(death.detail, /clients\.waste-desk at flows\/rights\.yaml:\d+/);
  assert.equal((originateRule(rights, desk, ADDRESS_CHANGED_V1, 'web') as { rule: string }).rule, 'originate');
});

test('a death at a desk is for the civil registry office, with a confirmed act', () => {
  const officer = agent('agent-42', ['civil-registry-officer']);
  const rule = originateRule(rights, officer, DEATH_REGISTERED_V1, 'desk') as { rule: { requires?: string } };
  assert.equal(rule.rule.requires, 'act-confirmed-by-register');
  assert.equal(
    (originateRule(rights, agent('a', ['front-desk-agent']), DEATH_REGISTERED_V1, 'desk') as { rule: string }).rule,
    'originate',
  );
});

test('a system-bound client names citizens by its own identifiers or pivot ids it received', () => {
  const desk = service('waste-desk', 'waste-management');
  assert.equal(namingDecision(rights, desk, { system: 'waste-management', id: 'USG-1' }), 'allowed');
  assert.equal(namingDecision(rights, desk, { pivotId: '6f1c1a52-8a47-4c3e-9a43-5d8f1a0c2b11' }), 'check-received');
  const other = namingDecision(rights, desk, { system: 'social-services', id: 'SS-000123' }) as { rule: string; detail: string };
  assert.equal(other.rule, 'naming');
  assert.match(other.detail, /may not name a citizen by a social-services identifier/);
  assert.equal((namingDecision(rights, desk, { civil: {} }) as { rule: string }).rule, 'naming');
  assert.equal(namingDecision(rights, agent('a', ['front-desk-agent']), { system: 'social-services', id: 'SS-1' }), 'allowed');
});

test('timelines are for agent roles; dead letters and systems for operators', () => {
  assert.equal(
    (readDecision(rights, service('social-services-front-desk', 'social-services'), 'timelines') as { rule: string }).rule,
    'read:timelines',
  );
  assert.deepEqual(readDecision(rights, agent('a', ['front-desk-agent']), 'timelines'), { label: 'roles.front-desk-agent.read.timelines' });
  assert.equal((readDecision(rights, agent('a', ['front-desk-agent']), 'dead-letters') as { rule: string }).rule, 'read:dead-letters');
  assert.ok('label' in readDecision(rights, agent('o', ['operator']), 'dead-letters'));
  assert.ok('rule' in readDecision(rights, agent('o', ['operator']), 'timelines'));
  assert.ok('label' in readDecision(rights, agent('c', ['citizen']), 'own-timeline'));
});

test('a citizen tells their own move online, naming only the pivot id their token stands for', () => {
  const citizen: Caller = { ...agent('jeanne.martin', ['citizen']), pivotId: '6f1c2b9e-0d3a-4c55-9a43-2f7e8d1b0c11' };
  assert.equal(
    (originateRule(rights, citizen, ADDRESS_CHANGED_V1, 'web') as { label: string }).label,
    'roles.citizen.originate.citizen-own-changes',
  );
  assert.equal((originateRule(rights, citizen, ADDRESS_CHANGED_V1, 'desk') as { rule: string }).rule, 'originate');
  assert.equal((originateRule(rights, citizen, DEATH_REGISTERED_V1, 'web') as { rule: string }).rule, 'originate');
  // Their own pivot id is checked against the crosswalk (merges): enforce.ts asks the store.
  assert.equal(namingDecision(rights, citizen, { pivotId: '0b3f2c1d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }), 'check-own');
  assert.equal((namingDecision(rights, citizen, { system: 'social-services', id: 'SS-1' }) as { rule: string }).rule, 'naming');
  // A citizen's token that matched no one (no pivot id) names no one.
  assert.equal(
    (namingDecision(rights, agent('jp', ['citizen']), { pivotId: '0b3f2c1d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }) as { rule: string }).rule,
    'naming',
  );
});
