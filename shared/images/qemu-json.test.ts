import { describe, expect, it } from 'vitest';
import { qemuJson } from './qemu-json.js';

describe("QEMU's JSON, as a json: backing name is parsed", () => {
  it.each([
    ['{"file": {"driver": "file", "filename": "/vm/b.qcow2"}}', { file: { driver: 'file', filename: '/vm/b.qcow2' } }],
    ["{'file': {'filename': '/vm/it\\'s.qcow2'}}", { file: { filename: "/vm/it's.qcow2" } }],
    ['{"a": [1, -2.5e3, true, false, null], "b": "\\u00e9\\/\\n"}', { a: [1, -2500, true, false, null], b: 'é/\n' }],
    [' {} ', {}],
  ])('reads %s', (text, parsed) => {
    expect(qemuJson(text)).toEqual(parsed);
  });

  it('takes a key named __proto__ as a key, not as the object\'s prototype', () => {
    const parsed = qemuJson('{"__proto__": {"file": {"filename": "/vm/b.qcow2"}}}') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect((parsed as { file?: unknown }).file).toBeUndefined();
  });

  it.each([
    ['{"file": {"filename": "/a"}, "file": {"filename": "/b"}}', 'a key named twice'],
    ['{"a": 1,}', 'a trailing comma'],
    ['{"a": "\\x"}', 'an escape JSON has not'],
    ['{"a": "tab\there"}', 'a control character in a string'],
    ['{"a": 1} x', 'words after the value'],
    ['{a: 1}', 'a key without quotes'],
    ['{"__proto__": {}, "__proto__": {}}', 'a key named twice, whatever its name'],
    ['', 'nothing'],
  ])('refuses %s (%s)', (text) => {
    expect(qemuJson(text)).toBeUndefined();
  });
});
