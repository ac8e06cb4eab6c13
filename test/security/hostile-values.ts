/**
 * What an attacker or a broken client sends, as fast-check arbitraries: wrong types, huge and
 * strange strings, MongoDB query operators and prototype keys where a value should be, deep
 * nesting, and mutations of a valid request (one field at a time, so the rest still passes and
 * the bad value reaches code past the first check).
 */
import fc from 'fast-check';

/** Strings that have broken web applications before. */
export const nastyStrings: readonly string[] = [
  '', ' ', '\t\n', '\u0000', '\uFEFF', '\u202Eevil', 'null', 'undefined', 'true', 'NaN', 'Infinity', '-1', '0', '1e309', '9007199254740993', '0x1F', '1,2,3',
  '../../etc/passwd', '..\\..\\windows\\win.ini', '%2e%2e%2f', '/dev/zero', 'file:///etc/passwd',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)',
  '{{constructor.constructor("return process")()}}', '{{#each this}}{{@key}}{{/each}}', '{{> layout}}', '${7*7}', '<%= 7*7 %>',
  '=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1+1',
  "' OR '1'='1", '"; DROP TABLE customers; --', '$where', '$gt', '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString',
  '2025-02-30T25:61:61Z', '0000-00-00', '2025-13-01', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00Z', '9999-12-31T23:59:59.999Z',
  '000000000000000000000000', 'ffffffffffffffffffffffff', 'zzzzzzzzzzzzzzzzzzzzzzzz', '507f1f77bcf86cd79943901', '*', '.*', '^', '(a+)+$',
  '😀'.repeat(40), '中文 字符', 'Ω≈ç√∫', 'a\u0301'.repeat(30), 'x'.repeat(5000), 'x@'.repeat(200), 'admin@example.com\r\nBcc: all@example.com',
];

/** MongoDB operators and prototype keys put where a plain value belongs. */
export const operatorValues: readonly unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(100) || true' },
  { $regex: '.*', $options: 'si' },
  { $in: ['', null] },
  { $nin: [] },
  { $exists: true },
  { $expr: { $eq: [1, 1] } },
  { $or: [{}, { a: 1 }] },
  { $function: { body: 'function () { return true; }', args: [], lang: 'js' } },
  { $set: { role: 'admin' } },
  { _bsontype: 'ObjectId', id: 'xxxxxxxxxxxx' },
  { _bsontype: 'Code', code: 'return 1' },
  JSON.parse('{"__proto__": {"polluted": "yes"}}') as unknown,
  { constructor: { prototype: { polluted: 'yes' } } },
];

/** A huge string: up to 30 kB, past every field's limit, while a JSON body of several still passes the 100 kB limit and reaches the route. */
const hugeString = fc.integer({ min: 1000, max: 30_000 }).chain((length) => fc.constantFrom('x', '0', '<', '"', '$', '中').map((unit) => unit.repeat(Math.floor(length / Buffer.byteLength(unit)))));

/** Any code points, lone surrogates included (built by hand: fc.string's binary unit costs a second to set up). */
const binaryText = fc.array(fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)), { maxLength: 120 }).map((characters) => characters.join(''));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...nastyStrings) },
  { weight: 2, arbitrary: binaryText },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r'), fc.string({ maxLength: 30 })).map(([lead, rest]) => lead + rest) },
);

const hostileNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 0.1 + 0.2, -0, 5e-324));

const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.constantFrom(...operatorValues) },
);

/** Any hostile JSON value: leaves, operators, and small arrays and objects of them (keys included). */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    { weight: 5, arbitrary: hostileLeaf },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(hostileKey(), tie('value'), { maxKeys: 4 }) },
  ),
})).value;

/** Bodies that are not JSON, or JSON nested past what any form needs. */
export const brokenJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('{', '{"a":', '[1,2', '{"a":1}}', 'nul', "{'a':1}", '{"a":1,}', '\u0000', '', '   ', '{"__proto__":', '"just a string"', '123', 'true', 'null', '[]'),
  fc.integer({ min: 100, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 100, max: 3000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  binaryText,
);

/** A JSON body for a route whose valid shape is `baseline`: mostly mutations of it, sometimes anything. */
export function hostileJsonBody(baseline: Record<string, unknown>): fc.Arbitrary<{ json: unknown }> {
  return fc.oneof(
    { weight: 6, arbitrary: mutationsOf(baseline).map((json) => ({ json })) },
    { weight: 2, arbitrary: hostileValue.map((json) => ({ json })) },
    { weight: 1, arbitrary: fc.jsonValue().map((json) => ({ json })) },
    { weight: 1, arbitrary: brokenJsonText.map((json) => ({ json })) },
  );
}

/** One to three changes to a copy of `baseline`: a field replaced, removed, or an unknown one added. */
export function mutationsOf(baseline: Record<string, unknown>): fc.Arbitrary<unknown> {
  const places = placesIn(baseline);
  const mutation = fc.record({ at: fc.constantFrom(...places), kind: fc.constantFrom('replace', 'replace', 'replace', 'remove', 'add'), key: hostileKey(), value: hostileValue });
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => {
    const body = structuredClone(baseline) as Record<string, unknown>;
    for (const { at, kind, key, value } of mutations) apply(body, at, kind, key, value);
    return body;
  });
}

/** The operators the sweep puts in every field: comparison, JavaScript, regex, and prototype pollution. */
export const sweepOperators: readonly unknown[] = [{ $gt: '' }, { $ne: null }, { $where: 'sleep(100) || true' }, { $regex: '.*' }, { $exists: true }, JSON.parse('{"__proto__": {"polluted": "yes"}}') as unknown];

/**
 * Copies of `baseline` with one field (at any depth) replaced by an operator: every operator in
 * every field, or with `rotate`, one operator per field taking turns (for routes with few inputs).
 */
export function operatorSweep(baseline: Record<string, unknown>, options: { rotate?: boolean } = {}): unknown[] {
  const places = placesIn(baseline).filter((place) => place.length > 0);
  return places.flatMap((place, index) => {
    const operators = options.rotate ? [sweepOperators[index % sweepOperators.length]] : sweepOperators;
    return operators.map((operator) => {
      const body = structuredClone(baseline);
      apply(body, place, 'replace', '', operator);
      return body;
    });
  });
}

/** Form fields (as a browser posts them) with hostile changes: values, repeats, removed and odd-named fields. */
export function hostileFormFields(baseline: Record<string, string[]>): fc.Arbitrary<Record<string, string[]>> {
  const names = Object.keys(baseline);
  const change = fc.oneof(
    ...(names.length > 0
      ? [
          fc.record({ kind: fc.constant('value' as const), name: fc.constantFrom(...names), values: fc.array(hostileString, { minLength: 1, maxLength: 3 }) }),
          fc.record({ kind: fc.constant('remove' as const), name: fc.constantFrom(...names), values: fc.constant([]) }),
          fc.record({ kind: fc.constant('operator' as const), name: fc.constantFrom(...names), values: fc.array(hostileString, { minLength: 1, maxLength: 2 }) }),
        ]
      : []),
    fc.record({ kind: fc.constant('add' as const), name: hostileKey(), values: fc.array(hostileString, { minLength: 1, maxLength: 2 }) }),
  );
  return fc.array(change, { minLength: 1, maxLength: 4 }).map((changes) => {
    const fields: Record<string, string[]> = structuredClone(baseline);
    for (const { kind, name, values } of changes) {
      if (kind === 'remove') delete fields[name];
      else if (kind === 'operator') fields[`${name}[${['$ne', '$gt', '$where', '$regex'][values.length % 4]}]`] = values;
      else fields[name] = values;
    }
    return fields;
  });
}

/** A query string for a GET whose valid query is `baseline`. */
export function hostileQuery(baseline: Record<string, string>): fc.Arbitrary<string> {
  const asFields = Object.fromEntries(Object.entries(baseline).map(([name, value]) => [name, [value]]));
  return fc.oneof(
    { weight: 4, arbitrary: hostileFormFields(asFields).map(formBody) },
    { weight: 1, arbitrary: binaryText.map(encodeForUrl) },
    { weight: 1, arbitrary: fc.constantFrom('a[b][c][d][e][f]=1', '__proto__[polluted]=yes', 'constructor[prototype][polluted]=yes', ...malformedEscapes.map((escape) => `q=${escape}`), '&&&=&=', 'a=%00', `${'a='.repeat(2000)}`) },
  );
}

/** `name=value&…` as application/x-www-form-urlencoded. */
export function formBody(fields: Record<string, string[]>): string {
  const body = new URLSearchParams();
  for (const [name, values] of Object.entries(fields)) for (const value of values) body.append(name, value);
  return body.toString();
}

/** Percent-escapes that do not decode: broken UTF-8, overlong forms, a lone `%`. */
export const malformedEscapes = ['%', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%FF%FE', '%u0041'];

/** A `:param` in a path, already encoded: a known record's id, an id of nothing, hostile text, or a broken escape. */
export function hostilePathParam(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: known.length > 0 ? 3 : 0, arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.constant('x') },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{24}$/) },
    { weight: 2, arbitrary: hostileString.filter((text) => text.length > 0 && text.length < 2000).map(encodeForUrl) },
    { weight: 1, arbitrary: fc.constantFrom(...malformedEscapes) },
  );
}

/** encodeURIComponent, with lone surrogates (which it refuses) replaced as a browser would. */
export function encodeForUrl(text: string): string {
  return encodeURIComponent(text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
}

// ---------------------------------------------------------------------------------------------

function hostileKey(): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom('$gt', '$where', '$set', '__proto__', 'constructor', 'prototype', '', '.', 'a.b', '_id', 'role', 'toString', 'valueOf', '$'), fc.string({ maxLength: 12 }));
}

type Place = readonly string[];

/** Every object in `value`, by path (the root is []): where a field can be replaced, removed or added. */
function placesIn(value: Record<string, unknown>, at: Place = []): Place[] {
  const places: Place[] = [at];
  for (const [key, child] of Object.entries(value)) {
    places.push([...at, key]);
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) places.push(...placesIn(child as Record<string, unknown>, [...at, key]).slice(1));
  }
  return places;
}

function apply(body: Record<string, unknown>, at: Place, kind: string, key: string, value: unknown): void {
  const parentPath = at.length === 0 ? [] : at.slice(0, -1);
  let parent: unknown = body;
  for (const step of parentPath) parent = (parent as Record<string, unknown> | undefined)?.[step];
  if (parent === null || typeof parent !== 'object') return;
  const holder = parent as Record<string, unknown>;
  const name = at[at.length - 1];
  if (name === undefined || kind === 'add') {
    const target = name === undefined ? holder : holder[name];
    if (target !== null && typeof target === 'object') Object.defineProperty(target, key, { value: structuredClone(value), enumerable: true, writable: true, configurable: true });
    return;
  }
  if (kind === 'remove') delete holder[name];
  // A copy: the operator constants are shared between runs and a later 'add' may write into this one.
  else holder[name] = structuredClone(value);
}
