/**
 * A guard run on XML text BEFORE any parser sees it (SOAP requests on the simulator's side,
 * SOAP responses and WSDLs on the connector's side). XML external entities (XXE) and entity
 * expansion ("billion laughs") are attacks, not input: a SOAP message never needs a document
 * type declaration, so any DOCTYPE or ENTITY declaration is refused outright rather than
 * parsed "safely"; so are documents above a size or nesting depth limit (parsers build deep
 * trees recursively); malformed documents too. The refusal names the rule, never the content.
 * The cheap checks (size, then the declarations, by pattern) run before the parse.
 */
import sax from 'sax';

export interface XmlLimits {
  /** Largest accepted document, in bytes (UTF-8). */
  maxBytes: number;
  /** Deepest accepted element nesting. */
  maxDepth: number;
}

export const defaultXmlLimits: XmlLimits = { maxBytes: 1_048_576, maxDepth: 64 };

export type XmlRule = 'size' | 'doctype' | 'entity' | 'depth' | 'malformed';

export class UnsafeXmlError extends Error {
  readonly rule: XmlRule;

  constructor(rule: XmlRule, message: string) {
    super(message);
    this.rule = rule;
    this.name = 'UnsafeXmlError';
  }
}

/**
 * Parses `xml` once with sax in strict mode (no DTD processing, only the five predefined
 * entities): refuses malformed documents and nesting deeper than `maxDepth`.
 */
function checkStructure(xml: string, maxDepth: number): void {
  const parser = sax.parser(true, { xmlns: false });
  let depth = 0;
  let root = false;
  let refusal: UnsafeXmlError | undefined;
  parser.onopentag = () => {
    root = true;
    depth++;
    if (depth > maxDepth && !refusal) refusal = new UnsafeXmlError('depth', `refused XML: elements nested deeper than ${maxDepth}`);
  };
  parser.onclosetag = () => {
    depth--;
  };
  parser.ondoctype = () => {
    refusal ??= new UnsafeXmlError('doctype', 'refused XML: a document type declaration (DOCTYPE) is not allowed');
  };
  parser.onerror = (error) => {
    // sax's message quotes the offending text: keep only its first line's reason, no content.
    refusal ??= new UnsafeXmlError(
      'malformed',
      `refused XML: not well-formed (${error.message.split('\n')[0]?.slice(0, 80) ?? 'parse error'})`,
    );
    throw refusal;
  };
  try {
    parser.write(xml).close();
  } catch (error) {
    if (!(error instanceof UnsafeXmlError)) throw error;
  }
  if (refusal) throw refusal;
  if (!root) throw new UnsafeXmlError('malformed', 'refused XML: no root element');
}

/** Throws UnsafeXmlError when `xml` breaks a rule; returns it unchanged otherwise. */
export function assertSafeXml(xml: string, limits: XmlLimits = defaultXmlLimits): string {
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > limits.maxBytes) throw new UnsafeXmlError('size', `refused XML: ${bytes} bytes is above the limit of ${limits.maxBytes}`);
  if (/<!DOCTYPE/i.test(xml)) throw new UnsafeXmlError('doctype', 'refused XML: a document type declaration (DOCTYPE) is not allowed');
  if (/<!ENTITY/i.test(xml)) throw new UnsafeXmlError('entity', 'refused XML: entity declarations are not allowed');
  checkStructure(xml, limits.maxDepth);
  return xml;
}
