import vm from "node:vm";
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { parseFragment } from "parse5";
import { loadCorpus } from "../validation/test-support/corpora.js";
import { encodeHtml, encodeHtmlAttribute, encodeJsString, encodeJsonForHtml, encodeUrlComponent } from "./encoders.js";
import { safeUrl } from "./safe-url.js";

interface Payload {
  readonly id: string;
  readonly payload: string;
  readonly contexts: readonly string[];
}

interface XssCorpus {
  readonly contexts: Record<string, { readonly template: string; readonly assert: string }>;
  readonly payloads: readonly Payload[];
  readonly lessThanEscapeVariants: { readonly values: readonly string[] };
  readonly dangerousUrlSchemes: { readonly values: readonly string[]; readonly allowControls: readonly string[] };
}

interface Node {
  readonly nodeName: string;
  readonly value?: string;
  readonly attrs?: readonly { name: string; value: string }[];
  readonly childNodes?: readonly Node[];
}

const corpus = loadCorpus<XssCorpus>("xss-vectors.json");
const payloadsFor = (context: string) => corpus.payloads.filter((p) => p.contexts.includes(context));

/** Every element (not text) below `node`. */
function elements(node: Node): Node[] {
  const found: Node[] = [];
  for (const child of node.childNodes ?? []) {
    if (!child.nodeName.startsWith("#")) found.push(child, ...elements(child));
  }
  return found;
}

function parse(html: string): Node {
  return parseFragment(html) as unknown as Node;
}

/** What the HTML input stream does to raw text: CR LF and CR become LF. */
function asHtmlText(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

/** The one element a template must parse to, with nothing else around it. */
function onlyElement(html: string, name: string): Node {
  const fragment = parse(html);
  const found = elements(fragment);
  expect(found.map((e) => e.nodeName)).toEqual([name]);
  expect(fragment.childNodes).toHaveLength(1);
  return found[0]!;
}

describe("HTML text: encodeHtml", () => {
  const cases = payloadsFor("html-body");

  it("has at least 100 corpus payloads for this context", () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it.each(cases.map((p) => [p.id, p.payload] as const))("%s stays one text node", (_id, payload) => {
    const encoded = encodeHtml(payload);
    expect(encoded).not.toMatch(/[<>"']/);
    // Every & starts an entity.
    expect(encoded.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, "")).not.toContain("&");
    const div = onlyElement(`<div>${encoded}</div>`, "div");
    const text = (div.childNodes ?? []).map((n) => n.value ?? "").join("");
    expect(div.childNodes?.every((n) => n.nodeName === "#text")).toBe(true);
    // The tree builder drops NUL in text: it could never have formed a tag either.
    expect(text).toBe(asHtmlText(payload).replace(/\u0000/g, ""));
  });

  it.each(corpus.lessThanEscapeVariants.values.map((v) => [v] as const))("the '<' variant %s never becomes markup", (variant) => {
    const payload = `${variant}script${variant}img src=x onerror=alert(1)>`;
    const div = onlyElement(`<div>${encodeHtml(payload)}</div>`, "div");
    expect((div.childNodes ?? []).map((n) => n.value).join("")).toBe(payload);
  });

  it("encodes after normalising, so fullwidth brackets cannot turn into markup later", () => {
    const value = "\uff1cimg src=a\uff1e";
    const div = onlyElement(`<div>${encodeHtml(value.normalize("NFKC"))}</div>`, "div");
    expect(div.childNodes?.[0]?.value).toBe("<img src=a>");
  });
});

describe("HTML attributes: encodeHtmlAttribute", () => {
  for (const [context, quote] of [["html-attribute-quoted", "\""], ["html-attribute-unquoted", ""]] as const) {
    const cases = payloadsFor(context);
    it.each(cases.map((p) => [p.id, p.payload] as const))(`${context}: %s stays the one title attribute`, (_id, payload) => {
      const encoded = encodeHtmlAttribute(payload);
      expect(encoded).not.toMatch(/[\s"'<>`=]/);
      const div = onlyElement(`<div title=${quote}${encoded}${quote}></div>`, "div");
      expect(div.attrs).toEqual([{ name: "title", value: payload.replace(/\u0000/g, "\ufffd") }]);
      expect(div.childNodes).toHaveLength(0);
    });
  }

  it("keeps any text intact in an unquoted attribute (property)", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (value) => {
      const div = onlyElement(`<div title=${encodeHtmlAttribute(value)}></div>`, "div");
      expect(div.attrs).toEqual([{ name: "title", value: value.replace(/\u0000/g, "\ufffd") }]);
    }), { numRuns: 300 });
  });
});

describe("JavaScript strings: encodeJsString", () => {
  const cases = payloadsFor("js-string");

  it.each(cases.map((p) => [p.id, p.payload] as const))("%s cannot leave the literal or the script", (_id, payload) => {
    const encoded = encodeJsString(payload);
    expect(encoded).not.toMatch(/['"`<>/\r\n\u2028\u2029]/);
    expect(encoded.toLowerCase()).not.toContain("</script");
    expect(encoded.replace(/\\(x[0-9A-F]{2}|u[0-9A-F]{4})/g, "")).not.toContain("\\");
    const script = onlyElement(`<script>var x = '${encoded}';</script>`, "script");
    expect(script.childNodes?.map((n) => n.value).join("")).toBe(`var x = '${encoded}';`);
    for (const quote of ["'", "\"", "`"]) {
      expect(vm.runInNewContext(`${quote}${encoded}${quote}`, {}, { timeout: 1000 })).toBe(payload);
    }
  });
});

describe("URL components: encodeUrlComponent", () => {
  const cases = payloadsFor("url-query-value");

  it.each(cases.map((p) => [p.id, p.payload] as const))("%s stays inside the query value", (_id, payload) => {
    const encoded = encodeUrlComponent(payload);
    expect(encoded).toMatch(/^[A-Za-z0-9\-_.!~*'()%]*$/);
    expect(encoded).not.toMatch(/[!'()*]/);
    expect(decodeURIComponent(encoded)).toBe(payload);
    const link = onlyElement(`<a href="https://example.com/?q=${encoded}">x</a>`, "a");
    expect(link.attrs).toEqual([{ name: "href", value: `https://example.com/?q=${encoded}` }]);
    expect(new URL(link.attrs![0]!.value).searchParams.get("q")).toBe(payload);
  });
});

describe("whole URLs in href: safeUrl", () => {
  const harmless = new Set(["about:"]);
  function effect(url: string): URL {
    const link = onlyElement(`<a href="${encodeHtmlAttribute(safeUrl(url))}">x</a>`, "a");
    return new URL(link.attrs![0]!.value, "https://example.com/page");
  }

  it.each(corpus.dangerousUrlSchemes.values.map((v) => [v] as const))("neutralises %j", (url) => {
    expect(safeUrl(url)).toBe("about:blank");
    expect(harmless.has(effect(url).protocol)).toBe(true);
  });

  it.each(corpus.dangerousUrlSchemes.allowControls.map((v) => [v] as const))("keeps %j", (url) => {
    expect(safeUrl(url)).toBe(url);
  });

  it.each(payloadsFor("url-attribute-scheme-check").map((p) => [p.id, p.payload] as const))("%s cannot become a script URL or leave the site", (_id, payload) => {
    const resolved = effect(payload);
    expect(["https:", "about:"]).toContain(resolved.protocol);
    if (resolved.protocol === "https:") expect(resolved.host).toBe("example.com");
  });

  it("honours a scheme allowlist and a fallback", () => {
    expect(safeUrl("ftp://files.example.com/a", { schemes: ["ftp"] })).toBe("ftp://files.example.com/a");
    expect(safeUrl("https://example.com", { schemes: ["ftp"], fallback: "#" })).toBe("#");
    expect(safeUrl("/relative", { relative: false })).toBe("about:blank");
    expect(safeUrl(42)).toBe("about:blank");
  });
});

describe("JSON inlined in HTML: encodeJsonForHtml", () => {
  const cases = payloadsFor("json-in-html-script");

  it.each(cases.map((p) => [p.id, p.payload] as const))("%s stays data in the script element", (_id, payload) => {
    const value = { comment: payload, list: [payload] };
    const encoded = encodeJsonForHtml(value);
    expect(encoded).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(encoded)).toEqual(value);
    const script = onlyElement(`<script type="application/json">${encoded}</script>`, "script");
    expect(script.childNodes?.map((n) => n.value).join("")).toBe(encoded);
    expect(vm.runInNewContext(`var d = ${encoded}; d`, {})).toEqual(value);
  });

  it("serialises undefined as null", () => {
    expect(encodeJsonForHtml(undefined)).toBe("null");
  });
});

describe("every encoder", () => {
  it("accepts any value and never throws, lone surrogates included", () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.integer(), fc.constant(null), fc.constant(undefined)), (value) => {
      for (const encode of [encodeHtml, encodeHtmlAttribute, encodeUrlComponent, encodeJsString]) expect(typeof encode(value)).toBe("string");
    }), { numRuns: 300 });
  });
});
