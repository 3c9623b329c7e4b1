/**
 * JSON as QEMU's own parser reads a `json:` backing name (qobject/json-lexer.c and
 * json-parser.c), which is not JSON.parse: it takes strings in single quotes too (with
 * `\'` among the escapes), and refuses an object that names a key twice, where JSON.parse
 * keeps the last. Undefined where QEMU would refuse the text: the image cannot be opened.
 */
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Refused extends Error {}

export function qemuJson(text: string): unknown {
  let at = 0;
  const fail = (): never => {
    throw new Refused();
  };
  const space = (): void => {
    while (at < text.length && ' \t\r\n'.includes(text[at]!)) at++;
  };
  const string = (): string => {
    const quote = text[at++]!;
    let out = '';
    for (;;) {
      if (at >= text.length) fail();
      const char = text[at++]!;
      if (char === quote) return out;
      // The lexer takes no control character inside a string.
      if (char < ' ') fail();
      if (char !== '\\') {
        out += char;
        continue;
      }
      const escape = text[at++] ?? fail();
      if (escape === 'u') {
        const hex = text.slice(at, at + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
        out += String.fromCharCode(parseInt(hex, 16));
        at += 4;
      } else out += ESCAPES[escape] ?? fail();
    }
  };
  const value = (): unknown => {
    space();
    const char = text[at];
    if (char === '"' || char === "'") return string();
    if (char === '{') {
      at++;
      // No prototype: a key `__proto__` is a key like any other, as it is to QEMU.
      const object = Object.create(null) as Record<string, unknown>;
      space();
      if (text[at] === '}') return (at++, object);
      for (;;) {
        space();
        if (text[at] !== '"' && text[at] !== "'") fail();
        const key = string();
        if (Object.hasOwn(object, key)) fail();
        space();
        if (text[at++] !== ':') fail();
        object[key] = value();
        space();
        const next = text[at++];
        if (next === '}') return object;
        if (next !== ',') fail();
      }
    }
    if (char === '[') {
      at++;
      const array: unknown[] = [];
      space();
      if (text[at] === ']') return (at++, array);
      for (;;) {
        array.push(value());
        space();
        const next = text[at++];
        if (next === ']') return array;
        if (next !== ',') fail();
      }
    }
    const word = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at))?.[0] ?? fail();
    at += word.length;
    return JSON.parse(word) as unknown;
  };
  try {
    const parsed = value();
    space();
    return at === text.length ? parsed : undefined;
  } catch (error) {
    if (error instanceof Refused) return undefined;
    throw error;
  }
}
