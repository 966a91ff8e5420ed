import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEPLOYED_NODE_OPTIONS } from './node-options.ts';

const options = DEPLOYED_NODE_OPTIONS.join(' ');

test('the container image runs every process with the deployed V8 options', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  assert.match(dockerfile, new RegExp(`NODE_OPTIONS="?${options}"?`));
});

test('the quick start runs with the deployed V8 options', () => {
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.equal(scripts['start'], `node ${options} bin/relais.js start`);
});
