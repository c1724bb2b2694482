/**
 * TEST ONLY: a strict parser of the RFC 9651 Structured Field *Lists* the RateLimit draft uses
 * (string items with integer, string and byte-sequence parameters). Anything else throws, so a
 * header Bulwark sends that a conforming client could not parse fails the test.
 */

/** One list item: its string value and parameters. */
export interface ListItem {
  readonly value: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
}

const KEY = /^[a-z*][a-z0-9_\-.*]*/;

/** Parses a Structured Field List of string items. */
export function parseStringList(input: string): ListItem[] {
  const items: ListItem[] = [];
  let rest = input.trim();
  while (rest.length > 0) {
    if (rest[0] !== '"') throw new SyntaxError(`list item must be an sf-string: ${rest}`);
    let value = "";
    let i = 1;
    for (; i < rest.length && rest[i] !== '"'; i++) {
      const ch = rest[i]!;
      if (ch === "\\") {
        const next = rest[++i];
        if (next !== '"' && next !== "\\") throw new SyntaxError("bad escape in sf-string");
        value += next;
      } else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) > 0x7e) {
        throw new SyntaxError("non-printable character in sf-string");
      } else {
        value += ch;
      }
    }
    if (rest[i] !== '"') throw new SyntaxError("unterminated sf-string");
    rest = rest.slice(i + 1);
    const params: Record<string, number | string | boolean> = {};
    while (rest.startsWith(";")) {
      rest = rest.slice(1).trimStart();
      const key = KEY.exec(rest)?.[0];
      if (key === undefined) throw new SyntaxError(`bad parameter key: ${rest}`);
      rest = rest.slice(key.length);
      if (!rest.startsWith("=")) {
        params[key] = true;
        continue;
      }
      rest = rest.slice(1);
      const integer = /^-?\d{1,15}/.exec(rest)?.[0];
      const string = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      const bytes = /^:([A-Za-z0-9+/=]*):/.exec(rest);
      if (integer !== undefined && !/^[.\d]/.test(rest.slice(integer.length))) {
        params[key] = Number(integer);
        rest = rest.slice(integer.length);
      } else if (string) {
        params[key] = string[1]!;
        rest = rest.slice(string[0].length);
      } else if (bytes) {
        params[key] = bytes[1]!;
        rest = rest.slice(bytes[0].length);
      } else {
        throw new SyntaxError(`bad parameter value: ${rest}`);
      }
    }
    items.push({ value, params });
    rest = rest.trimStart();
    if (rest.length === 0) break;
    if (!rest.startsWith(",")) throw new SyntaxError(`expected "," between list items: ${rest}`);
    rest = rest.slice(1).trimStart();
    if (rest.length === 0) throw new SyntaxError("trailing comma");
  }
  return items;
}
