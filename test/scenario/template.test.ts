import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTemplate, renderTemplate, templateNames } from '../../src/scenario/template.js';

test('a template splits into literals and names, and renders back', () => {
  const source = 'id {{run_id}}-{{ call_number }}!';
  const { template, errors } = parseTemplate(source);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    templateNames(template).map((n) => [n.name, source.slice(n.offset, n.offset + 2)]),
    [
      ['run_id', '{{'],
      ['call_number', '{{'],
    ],
  );
  // With every name filled by its own placeholder text, rendering gives the source back.
  assert.equal(renderTemplate(template, { run_id: '{{run_id}}', call_number: '{{ call_number }}' }), source);
  assert.equal(renderTemplate(template, { run_id: 'r', call_number: '3' }), 'id r-3!');
  assert.equal(renderTemplate(parseTemplate('plain').template, {}), 'plain');
});

test('template syntax errors: unclosed braces and names that are not identifiers', () => {
  const unclosed = 'a {{run_id';
  assert.deepEqual(parseTemplate(unclosed).errors.map((e) => e.offset), [unclosed.indexOf('{{')]);
  const badName = 'x {{1abc}} {{ok}}';
  const r = parseTemplate(badName);
  assert.deepEqual(r.errors.map((e) => e.offset), [badName.indexOf('{{1abc')]);
  assert.deepEqual(templateNames(r.template).map((n) => n.name), ['ok']);
});
