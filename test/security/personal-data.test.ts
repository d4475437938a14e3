// Masking by shape and the logger that applies it to every line. No network.
import { describe, expect, it } from 'vitest';
import { createLogger, withLogContext, addLogContext, type LogLevel } from '#functions/log.js';
import { maskPersonalData, maskText } from '#functions/personal-data.js';
import { unmaskedIn } from '../support/security.js';

describe('maskText', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['联系电话13800138000，谢谢', '联系电话138****8000，谢谢'],
    ['+8613800138000', '+86138****8000'],
    ['+86 138 0013 8000', '+86 138****8000'],
    ['138-0013-8000', '138****8000'],
    ['91441882MA4UA1B2C9', '91************B2C9'],
    ['统一社会信用代码：51441882MJ1234567W。', '统一社会信用代码：51************567W。'],
    ['身份证 44010419900101123X', '身份证 44************123X'],
    ['zhangwei@lianzhou.example.cn', 'z***@lianzhou.example.cn'],
  ])('%s → %s', (text, masked) => {
    expect(maskText(text)).toBe(masked);
  });

  it.each([
    ['a village code', '441882102201'],
    ['a timestamp', '2026-11-29T03:52:00.123Z'],
    ['epoch milliseconds', '1764388320000'],
    ['an application id', '01KB2Z7Q9X8F3M4N5P6R7S8T9V'],
    ['a certificate number', 'GDKX-2026-000123'],
    ['a correlation id', '6f1c2a4e-3b5d-4e7f-9a0b-1c2d3e4f5a6b'],
  ])('leaves %s alone', (_what, text) => {
    expect(maskText(text)).toBe(text);
  });
});

describe('maskPersonalData', () => {
  it('masks every string however deep, keys included, and numbers that are mobiles', () => {
    const masked = maskPersonalData({
      form: { contact: { name: '张伟', mobile: '13800138000' }, experts: [{ note: '手机 13929876543' }] },
      byMobile: { '15017654321': true },
      typed: 13602345678,
      error: new Error('item 91441882MA4UA1B2C9 failed'),
    });
    expect(unmaskedIn(JSON.stringify(masked))).toEqual([]);
    expect(masked.typed).toBe('136****5678');
    expect((masked.error as unknown as { message: string }).message).toBe('item 91************B2C9 failed');
    expect(masked.form.contact.name).toBe('张伟');
  });

  it('masks contact persons’ names when asked', () => {
    const masked = maskPersonalData({ contact: { name: '张伟', mobile: '13800138000' }, name: '某站' }, { contactNames: true });
    expect(masked).toEqual({ contact: { name: '张*', mobile: '138****8000' }, name: '某站' });
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { mobile: '13800138000' };
    a.self = a;
    expect(maskPersonalData(a)).toEqual({ mobile: '138****8000', self: '[Circular]' });
  });
});

describe('the logger', () => {
  const capture = () => {
    const lines: { line: string; level: LogLevel }[] = [];
    const log = createLogger({ base: { service: 'test' }, write: (line, level) => lines.push({ line, level }) });
    return { log, lines, parsed: () => lines.map(({ line }) => JSON.parse(line)) };
  };

  it('writes one JSON line per event with level, time, message and fields, masked', () => {
    const { log, lines, parsed } = capture();
    log.info('submitted by 13800138000', { org: '91441882MA4UA1B2C9', nested: { list: ['15017654321'] } });
    expect(lines).toHaveLength(1);
    expect(unmaskedIn(lines[0].line)).toEqual([]);
    expect(parsed()[0]).toMatchObject({ level: 'info', message: 'submitted by 138****8000', org: '91************B2C9', service: 'test' });
    expect(Date.parse(parsed()[0].time)).not.toBeNaN();
  });

  it('keeps a field named like the line’s own (message, level) beside them, not in their place', () => {
    const { log, parsed } = capture();
    log.error('request failed', { message: 'socket hang up', level: 'debug' });
    expect(parsed()[0]).toMatchObject({ level: 'error', message: 'request failed', _message: 'socket hang up', _level: 'debug' });
  });

  it('drops secrets whatever they look like', () => {
    const { log, parsed } = capture();
    log.warn('x', { authorization: 'Bearer eyJ...', taskToken: 'AAAA', password: 'p' });
    expect(parsed()[0]).toMatchObject({ authorization: '[redacted]', taskToken: '[redacted]', password: '[redacted]' });
  });

  it('puts the request context on every line written inside it, and only there', async () => {
    const { log, parsed } = capture();
    await withLogContext({ correlationId: 'req-1' }, async () => {
      log.info('before');
      addLogContext({ caller: { sub: 's', role: 'official' } });
      await new Promise((r) => setTimeout(r, 1));
      log.error('after');
    });
    log.info('outside');
    expect(parsed().map((l) => [l.message, l.correlationId, l.caller?.role])).toEqual([
      ['before', 'req-1', undefined],
      ['after', 'req-1', 'official'],
      ['outside', undefined, undefined],
    ]);
  });

  it('serialises errors with their stack, masked', () => {
    const { log, parsed } = capture();
    log.error('failed', { error: new Error('mobile 13800138000 refused') });
    expect(parsed()[0].error.message).toBe('mobile 138****8000 refused');
    expect(parsed()[0].error.stack).toContain('138****8000');
  });
});
