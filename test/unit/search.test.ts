// The pure rules of finding applications: case numbers, the searchable text, its index keys and the query's checks.
import { describe, expect, it } from 'vitest';
import { formatCaseNumber, isCaseNumber, newCaseNumber, normalizeCaseNumber } from '#functions/domain/case-number.js';
import { MAX_SEARCH_KEYS, narrowsBeyondKey, parseQuery, queryKey, searchKeysOf, searchTextOf } from '#functions/domain/search.js';
import { DomainError } from '#functions/domain/application.js';

describe('case numbers', () => {
  it('are the CST year, seven digits and a check digit that catches one digit misheard and two swapped', () => {
    // Prepare: just before midnight UTC on New Year's Eve is already the new year in China
    const at = new Date('2026-12-31T16:30:00Z');

    // Act
    const numbers = Array.from({ length: 200 }, (_, i) => newCaseNumber(at, () => i / 200));

    // Assess
    for (const n of numbers) {
      expect(n).toMatch(/^2027\d{8}$/);
      expect(isCaseNumber(n)).toBe(true);
      const digits = [...n];
      const misheard = digits.map((d, i) => (i === 6 ? String((Number(d) + 1) % 10) : d)).join('');
      expect(isCaseNumber(misheard)).toBe(false);
      if (digits[7] !== digits[8]) expect(isCaseNumber(digits.map((d, i) => (i === 7 ? digits[8] : i === 8 ? digits[7] : d)).join(''))).toBe(false);
    }
    expect(formatCaseNumber('202604831295')).toBe('2026 0483 1295');
    expect(normalizeCaseNumber('2026 0483-1295')).toBe('202604831295');
  });
});

describe('the search index', () => {
  const app = {
    caseNo: '202604831295',
    form: { name: '连州市大路边镇科技服务站', organisation: { name: '连州市果蔬协会', creditCode: '91441882MA4UA1B2C9' } },
  };

  it('keys an application by the bigrams of its names and the 4-grams of its codes, never across two fields, at most MAX_SEARCH_KEYS', () => {
    // Act
    const keys = searchKeysOf(app);
    const long = searchKeysOf({ ...app, form: { ...app.form, name: Array.from({ length: 80 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('') } });

    // Assess
    expect(keys).toContain('路边');
    expect(keys).toContain('果蔬');
    expect(keys).toContain('#ma4u');
    expect(keys).toContain('#0483');
    expect(keys).not.toContain('48'); // a code's bigrams are shared by nearly every application: not keys
    expect(keys).not.toContain('站2'); // name's end and the case number's start are two fields
    expect(new Set(keys).size).toBe(keys.length);
    expect(long.length).toBe(MAX_SEARCH_KEYS);
    expect(searchTextOf(app).split('\n')).toEqual(['连州市大路边镇科技服务站', '202604831295', '连州市果蔬协会', '91441882ma4ua1b2c9']);
  });

  it('reads a query under a bigram that is not a common word when it has one', () => {
    expect(queryKey('大路边镇科技服务站')).toBe('边镇');
    expect(queryKey('科技服务站')).toBe('务站');
    // Letters and digits only, four or more: a code's last 4-gram
    expect(queryKey('04831295')).toBe('#1295');
    expect(queryKey('ma4ua1')).toBe('#4ua1');
    expect(queryKey('第12号')).toBe('2号');
  });

  it('tells a query that asks for more than its key\'s partition (another rare bigram) from one that does not', () => {
    // A place and a product: the key's partition (柑橘) holds many without the place
    expect(narrowsBeyondKey('大路边柑橘')).toBe(true);
    // One bigram, or the rest common words: nearly every entry of the partition matches
    expect(narrowsBeyondKey('柑橘')).toBe(false);
    expect(narrowsBeyondKey('科技服务站')).toBe(false);
    // A code's fragment: its 4-gram's partition is a handful
    expect(narrowsBeyondKey('04831295')).toBe(false);
  });

  it('takes a fragment of 2 to 50 characters, normalized; refuses others with the reason in Chinese', () => {
    expect(parseQuery(' ＡＢ－12 ')).toBe('ab12');
    expect(parseQuery(undefined)).toBeUndefined();
    for (const [raw, reason] of [['', /不能为空/], ['镇', /至少 2 个/], ['长'.repeat(51), /最多 50 个/]] as const) {
      try {
        parseQuery(raw);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).details.issues).toEqual([{ path: 'q', message: expect.stringMatching(reason) }]);
      }
    }
  });
});
