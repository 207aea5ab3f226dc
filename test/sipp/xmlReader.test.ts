import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readXml, type XmlElement } from '../../src/sipp/xmlReader.js';

const doc = `<?xml version="1.0"?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<!-- a comment -->
<scenario name="a &amp; b">
  <send retrans='500'>
    <![CDATA[INVITE x <y> & z]]>
  </send>
  <pause/>
</scenario>
`;

test('readXml: elements, attributes with entities, CDATA verbatim, each at its line and column', () => {
  const { root, problems } = readXml(doc);
  assert.deepEqual(problems, []);
  assert.ok(root !== undefined);
  assert.equal(root.name, 'scenario');
  assert.deepEqual([root.line, root.col], [4, 1]);
  assert.equal(root.attributes[0]?.value, 'a & b');
  assert.deepEqual([root.attributes[0]?.line, root.attributes[0]?.col], [4, 11]);
  const elements = root.children.filter((c): c is XmlElement => c.kind === 'element');
  assert.deepEqual(elements.map((e) => [e.name, e.line, e.col]), [['send', 5, 3], ['pause', 8, 3]]);
  const send = elements[0]!;
  assert.equal(send.attributes[0]?.value, '500');
  const cdata = send.children.find((c) => c.kind === 'text' && c.cdata);
  assert.ok(cdata !== undefined && cdata.kind === 'text');
  assert.equal(cdata.text, 'INVITE x <y> & z');
  // Where the CDATA content starts (after "<![CDATA[").
  assert.deepEqual([cdata.line, cdata.col], [6, 14]);
});

test('readXml: a syntax error is reported at its position, with no tree', () => {
  const cases: [string, number, number, RegExp][] = [
    ['<scenario>\n  <send>\n</scenario>', 3, 3, /closes <send>/],
    ['<scenario a=1/>', 1, 13, /must be quoted/],
    ['<scenario>\n<!-- open', 2, 1, /comment is never closed/],
    ['<scenario a="x" a="y"/>', 1, 17, /appears twice/],
    ['<scenario>&nbsp;</scenario>', 1, 11, /unknown entity/],
  ];
  for (const [text, line, col, message] of cases) {
    const { root, problems } = readXml(text);
    assert.equal(root, undefined, text);
    assert.equal(problems.length, 1, text);
    assert.deepEqual([problems[0]!.line, problems[0]!.col], [line, col], text);
    assert.match(problems[0]!.message, message);
  }
});
