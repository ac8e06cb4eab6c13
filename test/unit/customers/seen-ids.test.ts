import { SeenIds } from '../../../src/modules/customers/import/seen-ids';

test('when ids repeat among many, then each repeat reports the first line and new ids report nothing', () => {
  const seen = new SeenIds();
  for (let i = 0; i < 50_000; i++) expect(seen.firstLineOf(`C-${i}`, i + 2)).toBeUndefined();
  expect(seen.firstLineOf('C-0', 60_000)).toBe(2);
  expect(seen.firstLineOf('C-49999', 60_001)).toBe(50_001);
  expect(seen.firstLineOf('C-50000', 60_002)).toBeUndefined();
  expect(seen.firstLineOf('C-50000', 60_003)).toBe(60_002);
});

test('when ids differ only slightly or are empty or non-ASCII, then they are told apart', () => {
  const seen = new SeenIds();
  const ids = ['', 'a', 'A', 'ab', 'ba', '客户-1', '客户-2', '0001', '001'];
  ids.forEach((id, i) => expect(seen.firstLineOf(id, i + 2)).toBeUndefined());
  ids.forEach((id, i) => expect(seen.firstLineOf(id, 100)).toBe(i + 2));
});
