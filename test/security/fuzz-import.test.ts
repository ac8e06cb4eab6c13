/**
 * Hostile uploads to the CSV import (/customers/import), signed in as an admin with a valid
 * CSRF token: random bytes, files that are not CSV, binary inside a .csv, huge lines, formula
 * cells, broken quoting, odd separators and line ends, path-traversal file names, wrong and
 * missing fields, and broken multipart. Never a 5xx; a 4xx imports nothing; a traversal name is
 * never used as a path.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { createStaff, signIn } from '../helpers/auth';
import { fuzzRuns, fuzzSettings, fuzzShares, fuzzTimeoutMs, startFuzzBed, type FuzzBed, type FuzzRequest } from './fuzz-bed';
import { hostileString } from './hostile-values';

const generic = ['external_id', 'name', 'email', 'phone', 'company', 'locale', 'timezone', 'plan', 'signup_date', 'status', 'churned_at', 'churn_type', 'cause', 'cause_reason', 'monthly_revenue', 'total_revenue', 'cost_to_serve', 'tenure_months', 'email_consent', 'tags'];
const telco = ['Customer ID', 'Customer Status', 'Tenure in Months', 'Monthly Charge', 'Total Revenue', 'Contract', 'CLTV', 'Churn Category', 'Churn Reason'];

/** Marks the file names that try to leave the upload folder, so the test can look for them after. */
const escapeMarker = `fuzz-escape-${randomUUID().slice(0, 8)}`;

let bed: FuzzBed;
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  bed = await startFuzzBed();
  const agent = await signIn(bed.url, await createStaff(bed.connection, 'admin'));
  session = { cookie: agent.cookie(), csrf: await agent.csrfToken() };
});

afterAll(async () => {
  bed?.tally.print(`Hostile uploads to the CSV import (FUZZ_RUNS=${fuzzRuns})`);
  await bed?.close();
});

test('when the CSV import gets hostile uploads, then none answers 5xx, a refused upload imports nothing, and no file name is used as a path', async () => {
  const runs = Math.ceil(fuzzRuns * fuzzShares.import);

  await fc.assert(
    fc.asyncProperty(upload, async (request) => {
      await bed.probe('POST /customers/import', request);
    }),
    fuzzSettings(runs),
  );

  const places = [os.tmpdir(), path.dirname(os.tmpdir()), '/', process.cwd(), path.dirname(process.cwd())];
  expect(places.filter((place) => existsSync(path.join(place, `${escapeMarker}.csv`)))).toEqual([]);
  expect(bed.tally.total).toBeGreaterThanOrEqual(runs);
}, fuzzTimeoutMs);

// ---------------------------------------------------------------------------------------------

const cell: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('', 'ext-1', 'Ada Lovelace', 'ada@example.com', 'churned', 'active', '2026-01-31', '2026-13-45', 'price', 'competitor', '12.50', '-1', 'NaN', 'true', 'vip;gold', 'zh-CN', 'Europe/Helsinki') },
  { weight: 3, arbitrary: hostileString.filter((text) => text.length < 2000) },
  { weight: 1, arbitrary: fc.constantFrom('=cmd|" /C calc"!A0', '+SUM(1,2)', '-2+3', '@SUM(A1)', '=HYPERLINK("http://evil.example")', '"unterminated', 'a""b', '"multi\nline"', '\u0000', '\uFEFF') },
);

const separator = fc.constantFrom(',', ',', ',', ';', '\t', '|');
const lineEnd = fc.constantFrom('\n', '\n', '\r\n', '\r');

/** Text that looks more or less like a customer CSV: a header (ours, Telco's, or odd) and rows of hostile cells. */
const csvText: fc.Arbitrary<string> = fc
  .record({
    header: fc.oneof({ weight: 4, arbitrary: fc.constant(generic) }, fc.constant(telco), fc.shuffledSubarray(generic, { minLength: 1 }), fc.array(cell, { minLength: 1, maxLength: 8 })),
    rows: fc.array(fc.array(cell, { maxLength: 24 }), { minLength: 1, maxLength: 12 }),
    separator: fc.oneof({ weight: 4, arbitrary: fc.constant(',') }, separator),
    lineEnd,
    bom: fc.boolean(),
    // Quoted as a spreadsheet writes CSV, the hostile cells reach the row checks; raw, they break the parser.
    quoted: fc.boolean(),
  })
  .map(({ header, rows, separator, lineEnd, bom, quoted }) => {
    const write = (value: string) => (quoted && /[",;\t|\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
    return (bom ? '\uFEFF' : '') + [header, ...rows].map((row) => row.map(write).join(separator)).join(lineEnd);
  });

const fileContent: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 5, arbitrary: csvText.map((text) => Buffer.from(text)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.alloc(0), Buffer.from('PK\u0003\u0004zipped'), Buffer.from('%PDF-1.7\n'), Buffer.from('\u0089PNG\r\n\u001a\n'), Buffer.from('{"external_id": "x"}'), Buffer.from('<?xml version="1.0"?><customers/>')) },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 120_000 }).map((length) => Buffer.from(`${generic.join(',')}\n${'x'.repeat(length)},name\n`)) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 5_000 }).map((rows) => Buffer.from(`external_id\n${'\n'.repeat(rows)}`)) },
);

const fileName: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('customers.csv', 'CUSTOMERS.CSV', 'export (1).csv', '客户.csv', '.csv', 'a.csv.exe', 'a.exe.csv', 'customers.txt', 'customers', 'photo.png') },
  { weight: 2, arbitrary: fc.constantFrom(`../${escapeMarker}.csv`, `../../${escapeMarker}.csv`, `../../../../../../${escapeMarker}.csv`, `/${escapeMarker}.csv`, `..\\..\\${escapeMarker}.csv`, `....//....//${escapeMarker}.csv`, `%2e%2e%2f${escapeMarker}.csv`, `${escapeMarker}.csv\u0000.png`, '../../etc/passwd', 'C:\\Windows\\win.ini.csv') },
  { weight: 1, arbitrary: hostileString.filter((text) => text.length < 500).map((name) => `${name}.csv`) },
);

const fileType = fc.constantFrom('text/csv', 'text/csv', 'application/vnd.ms-excel', 'application/octet-stream', 'text/plain', 'image/png', 'application/x-msdownload', '', 'text/csv; charset=utf-16');

const fieldValue = fc.oneof(fc.constantFrom('generic', 'telco', '', 'crm', 'upload-1'), hostileString.filter((text) => text.length < 1000));

/** Half the uploads are what the page sends, so the hostile file reaches the importer; the rest are hostile throughout. */
const envelope = fc.oneof(
  fc.record({
    fields: fc.constantFrom({}, { mapping: 'generic' }, { mapping: 'generic', source: 'fuzz' }, { mapping: 'telco' }),
    files: fc.tuple(fc.record({ field: fc.constant('file'), name: fc.constant('customers.csv'), type: fc.constant('text/csv'), content: fileContent })),
    manyFields: fc.constant(0),
    broken: fc.constant('no'),
    csrfIn: fc.constantFrom('query', 'header'),
  }),
  fc.record({
    fields: fc.dictionary(fc.constantFrom('mapping', 'source', 'mapping', 'source', '_csrf', '__proto__', 'file', 'extra'), fieldValue, { maxKeys: 4 }),
    files: fc.array(fc.record({ field: fc.constantFrom('file', 'file', 'file', 'upload'), name: fileName, type: fileType, content: fileContent }), { minLength: 0, maxLength: 2 }),
    manyFields: fc.integer({ min: 0, max: 14 }),
    broken: fc.constantFrom('no', 'no', 'no', 'no', 'truncated', 'no-boundary', 'no-end', 'lf-only'),
    csrfIn: fc.constantFrom('query', 'header'),
  }),
);

/** A multipart body: fields (`mapping`, `source`, extras), zero, one or two files, sometimes broken. */
const upload: fc.Arbitrary<FuzzRequest> = envelope
  .map(({ fields, files, manyFields, broken, csrfIn }) => {
    const boundary = `----fuzz${randomUUID().replace(/-/g, '')}`;
    const parts: Buffer[] = [];
    const entries = [...Object.entries(fields), ...Array.from({ length: manyFields }, (_, index) => [`filler${index}`, 'x'] as [string, string])];
    for (const [name, value] of entries) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`));
    for (const file of files) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${quoted(file.name)}"\r\n${file.type ? `Content-Type: ${file.type}\r\n` : ''}\r\n`), file.content, Buffer.from('\r\n'));
    }
    if (broken !== 'no-end') parts.push(Buffer.from(`--${boundary}--\r\n`));
    let body = Buffer.concat(parts);
    if (broken === 'truncated') body = body.subarray(0, Math.floor(body.length / 2));
    if (broken === 'lf-only') body = Buffer.from(body.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    const contentType = broken === 'no-boundary' ? 'multipart/form-data' : `multipart/form-data; boundary=${boundary}`;
    return {
      method: 'POST',
      path: csrfIn === 'query' ? `/customers/import?_csrf=${encodeURIComponent(session.csrf)}` : '/customers/import',
      headers: { cookie: session.cookie, 'content-type': contentType, accept: 'text/html', ...(csrfIn === 'header' ? { 'x-csrf-token': session.csrf } : {}) },
      body,
    };
  });

/** A value inside a quoted header parameter, as browsers write it (quotes and line breaks escaped). */
function quoted(text: string): string {
  return text.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
