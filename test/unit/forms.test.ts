import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  applicationTypes,
  catalogue,
  checkPlacement,
  formJsonSchema,
  validateForm,
  validateSubmission,
  type ApplicationType,
} from '#forms/catalogue.js';
import {
  CREDIT_CODE_CHARSET,
  creditCodeCheckChar,
  isMainlandMobile,
  isValidCreditCode,
} from '#forms/credit-code.js';
import { creditCodes, fixtureHostLevels, goodForms, goodPark } from '#forms/fixtures.js';

// Tests mutate copies freely, including into shapes the types forbid.
type Mutable = Record<string, any>;
const copyOf = (type: ApplicationType): Mutable => structuredClone(goodForms[type]);
const chinese = /[\u4e00-\u9fff]/;

describe('unified social credit code', () => {
  test('accepts published codes and every fixture code', () => {
    // Prepare: codes printed on well-known companies' business licences
    const published = ['91330100716105852F', '914403001922038216'];

    // Act
    const results = [...published, ...Object.values(creditCodes)].map(isValidCreditCode);

    // Assess
    expect(results.every(Boolean)).toBe(true);
  });

  test("computes api.md's example check character as 9", () => {
    expect(creditCodeCheckChar('91441882MA4UA1B2C')).toBe('9');
  });

  test.each([
    ['lower case', '91441882ma4ua1b2c9'],
    ['a letter the standard leaves out (O)', '91441882MA4UA1B2O9'],
    ['17 characters', '91441882MA4UA1B2C'],
    ['19 characters', '91441882MA4UA1B2C9X'],
    ['an unknown registration authority', withRightCheckChar('B1441882MA4UA1B2C')],
    ['a category the authority does not issue', withRightCheckChar('94441882MA4UA1B2C')],
    ['letters where the region code belongs', withRightCheckChar('9144188AMA4UA1B2C')],
  ])('refuses a code with %s', (_, code) => {
    expect(isValidCreditCode(code)).toBe(false);
  });

  const charsetChar = fc.constantFrom(...CREDIT_CODE_CHARSET);
  const validFirst17 = fc
    .tuple(fc.constantFrom('11', '12', '51', '52', '54', '91', '92', '93', 'N2', 'Y1'), fc.stringMatching(/^\d{6}$/))
    .chain(([head, region]) =>
      fc.array(charsetChar, { minLength: 9, maxLength: 9 }).map((body) => head + region + body.join('')),
    );

  test('never accepts a code whose check character is wrong', () => {
    fc.assert(
      fc.property(validFirst17, charsetChar, (first17, last) => {
        fc.pre(last !== creditCodeCheckChar(first17));
        expect(isValidCreditCode(first17 + last)).toBe(false);
      }),
    );
  });

  test('rejects any single-character change to a valid code (mod 31 catches every substitution)', () => {
    fc.assert(
      fc.property(validFirst17, fc.nat(17), charsetChar, (first17, position, replacement) => {
        const code = first17 + creditCodeCheckChar(first17);
        fc.pre(code[position] !== replacement);
        const changed = code.slice(0, position) + replacement + code.slice(position + 1);
        expect(isValidCreditCode(changed)).toBe(false);
      }),
    );
  });

  test('accepts every code built with its check character', () => {
    fc.assert(fc.property(validFirst17, (first17) => isValidCreditCode(first17 + creditCodeCheckChar(first17))));
  });
});

function withRightCheckChar(first17: string): string {
  return first17 + creditCodeCheckChar(first17);
}

describe('mainland mobile numbers', () => {
  test('accepts 1[3-9] followed by nine digits, and nothing else of eleven digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11}$/), (digits) => {
        expect(isMainlandMobile(digits)).toBe(/^1[3-9]/.test(digits));
      }),
    );
  });

  test('refuses landlines, +86 prefixes and short numbers', () => {
    expect(['0763-6612345', '+8613800138000', '1380013800', '138 0013 8000'].map(isMainlandMobile)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('the catalogue', () => {
  test('holds the nine types of domain.md with their host levels and uniqueness', () => {
    // Prepare: domain.md's table
    const expected: Record<string, [string[], boolean]> = {
      'township-association': [['township'], true],
      'rural-tech-association': [['village', 'township'], true],
      'tech-federation': [['county', 'township'], true],
      'society-station': [['county', 'township'], false],
      'commissioner-station': [['county', 'township'], false],
      'academician-station': [['county', 'village'], false],
      'consortium-station': [['county'], true],
      'expert-station': [['county'], false],
      'science-e-station': [['village'], true],
    };

    // Act
    const actual = Object.fromEntries(
      applicationTypes.map((t) => [t, [[...catalogue[t].hostLevels].sort(), catalogue[t].unique]]),
    );

    // Assess
    for (const [type, [levels, unique]] of Object.entries(expected)) {
      expect(actual[type]).toEqual([[...levels].sort(), unique]);
      expect(catalogue[type as ApplicationType].uniqueScope).toBe(unique ? 'host' : null);
    }
    expect(Object.keys(catalogue).sort()).toEqual([...applicationTypes].sort());
  });

  test('lets only the society, commissioner and academician stations have a park, and only at county level', () => {
    const withPark = applicationTypes.filter((t) => catalogue[t].parkAllowed);

    expect(withPark).toEqual(['society-station', 'commissioner-station', 'academician-station']);
    for (const type of withPark) expect(catalogue[type].parkAllowedAt).toEqual(['county']);
  });

  test('names and describes every type in Chinese', () => {
    for (const type of applicationTypes) {
      expect(catalogue[type].name).toMatch(chinese);
      expect(catalogue[type].description).toMatch(chinese);
    }
  });
});

describe('validateForm', () => {
  test.each(applicationTypes)('accepts the good %s form', (type) => {
    const result = validateForm(type, goodForms[type]);

    expect(result).toEqual({ ok: true, value: expect.objectContaining({ name: goodForms[type].name }) });
  });

  test('accepts a park for a park-capable station', () => {
    const form = { ...copyOf('society-station'), park: goodPark };

    expect(validateForm('society-station', form)).toMatchObject({ ok: true, value: { park: goodPark } });
  });

  test('trims text and fills an association’s missing expert list with none', () => {
    const form = copyOf('science-e-station');
    form.name = `  ${form.name}\n`;
    delete form.experts;

    const result = validateForm('science-e-station', form);

    expect(result).toMatchObject({ ok: true, value: { name: goodForms['science-e-station'].name, experts: [] } });
  });

  const refusals: [ApplicationType, string, (form: Mutable) => void, string, RegExp][] = [
    ['township-association', 'a wrong credit-code check character', (f) => (f.organisation.creditCode = '91441882MA4UA1B2C8'), 'form.organisation.creditCode', /^申请单位统一社会信用代码校验位不正确/],
    ['township-association', 'a credit code with a left-out letter', (f) => (f.organisation.creditCode = '91441882MA4UA1B2CI'), 'form.organisation.creditCode', /^申请单位统一社会信用代码须为18位/],
    ['township-association', 'a mobile number that is not mainland', (f) => (f.contact.mobile = '12345678901'), 'form.contact.mobile', /^联系人手机号须为11位中国大陆手机号$/],
    ['township-association', 'a malformed e-mail', (f) => (f.contact.email = 'zhangwei@'), 'form.contact.email', /^联系人电子邮箱格式不正确$/],
    ['township-association', 'a name of one character', (f) => (f.name = ' 协 '), 'form.name', /^站点或协会名称至少2个字$/],
    ['township-association', 'a blank address', (f) => (f.address = '   '), 'form.address', /^详细地址至少5个字$/],
    ['township-association', 'a summary under 10 characters', (f) => (f.summary = '太短了'), 'form.summary', /^申请概述至少10个字$/],
    ['township-association', 'a summary over 2000 characters', (f) => (f.summary = '字'.repeat(2001)), 'form.summary', /^申请概述最多2000个字$/],
    ['township-association', 'a name that is a number', (f) => (f.name = 12345), 'form.name', /^站点或协会名称须为文本$/],
    ['township-association', 'no chair', (f) => delete f.chair, 'form.chair', /^请填写主席$/],
    ['township-association', 'no post for the chair', (f) => delete f.chair.post, 'form.chair.post', /^请填写主席职务$/],
    ['township-association', 'no vice-chairs', (f) => (f.viceChairs = []), 'form.viceChairs', /^副主席至少填写1项$/],
    ['township-association', 'a vice-chair role outside the list', (f) => (f.viceChairs[1].role = 'mayor'), 'form.viceChairs.1.role', /^副主席身份须为以下之一：农技站站长、卫生院院长/],
    ['township-association', 'a fractional member count', (f) => (f.memberCount = 8.5), 'form.memberCount', /^会员人数须为整数$/],
    ['township-association', 'a member count as text', (f) => (f.memberCount = '86'), 'form.memberCount', /^会员人数须为数字$/],
    ['rural-tech-association', 'no featured product', (f) => delete f.featuredProduct, 'form.featuredProduct', /^请填写一村一品特色产品$/],
    ['rural-tech-association', 'an industry outside the list', (f) => (f.industry = 'mining'), 'form.industry', /^所属产业须为以下之一：种植业/],
    ['rural-tech-association', 'no members', (f) => (f.memberCount = 0), 'form.memberCount', /^会员人数不能小于1$/],
    ['rural-tech-association', 'a legal representative without a valid mobile', (f) => (f.legalRepresentative.mobile = '0763-6612345'), 'form.legalRepresentative.mobile', /^法定代表人手机号须为11位中国大陆手机号$/],
    ['rural-tech-association', 'an establishment date in the future', (f) => (f.establishedOn = '2999-01-01'), 'form.establishedOn', /^成立日期不能晚于今天$/],
    ['rural-tech-association', 'an impossible establishment date', (f) => (f.establishedOn = '2023-02-30'), 'form.establishedOn', /^成立日期须为有效日期/],
    ['tech-federation', 'a member count that disagrees with the names', (f) => (f.memberAssociationCount = 4), 'form.memberAssociationCount', /^会员协会数量（4）与会员协会名单（3个）不一致$/],
    ['tech-federation', 'a member association named twice', (f) => { f.memberAssociations.push(f.memberAssociations[0]); f.memberAssociationCount = 4; }, 'form.memberAssociations.3', /^会员协会名称重复：连州市大路边镇山塘村菜心专业技术协会$/],
    ['society-station', 'no society among the supporters', (f) => (f.supportingOrganisations = [{ name: '华南农业大学', kind: 'university' }]), 'form.supportingOrganisations', /^依托单位须至少包含一个学会$/],
    ['society-station', 'no experts', (f) => (f.experts = []), 'form.experts', /^专家名单至少填写1项$/],
    ['society-station', 'a park of another kind', (f) => (f.park = { name: '连州市工业园', kind: 'industrial-park' }), 'form.park.kind', /^园区类型须为以下之一：现代农业产业园、农业科技园区$/],
    ['commissioner-station', 'no commissioners', (f) => (f.experts = []), 'form.experts', /^科技特派员名单至少填写1项$/],
    ['commissioner-station', 'a service industry listed twice', (f) => (f.serviceIndustries = ['planting', 'planting']), 'form.serviceIndustries', /^服务产业不能重复$/],
    ['academician-station', 'no academicians', (f) => (f.academicians = []), 'form.academicians', /^进站院士至少填写1项$/],
    ['academician-station', 'an academy outside the list', (f) => (f.academicians[0].academy = 'NAS'), 'form.academicians.0.academy', /^院士类别须为以下之一：中国科学院院士、中国工程院院士/],
    ['academician-station', 'an expert without a name', (f) => delete f.experts[1].name, 'form.experts.1.name', /^请填写专家姓名$/],
    ['consortium-station', 'a single society', (f) => (f.supportingOrganisations = f.supportingOrganisations.slice(0, 1)), 'form.supportingOrganisations', /^依托单位须至少包含两个学会$/],
    ['expert-station', 'no supporting organisation', (f) => (f.supportingOrganisations = []), 'form.supportingOrganisations', /^依托单位至少填写1项$/],
    ['expert-station', 'no service area', (f) => delete f.serviceArea, 'form.serviceArea', /^请填写服务范围$/],
    ['science-e-station', 'an operator mobile of ten digits', (f) => (f.operator.mobile = '1380013800'), 'form.operator.mobile', /^运营人手机号须为11位中国大陆手机号$/],
    ['science-e-station', 'a venue under 10 square metres', (f) => (f.venueArea = 5), 'form.venueArea', /^场地面积（平方米）不能小于10$/],
    ['science-e-station', 'a park, which an e-station cannot have', (f) => (f.park = goodPark), 'form.park', /^不允许的字段：park$/],
  ];

  test.each(refusals)('refuses the %s form with %s, at the field, in Chinese', (type, _, mutate, path, message) => {
    // Prepare
    const form = copyOf(type);
    mutate(form);

    // Act
    const result = validateForm(type, form);

    // Assess
    expect(result).toEqual({ ok: false, issues: [{ path, message: expect.stringMatching(message) }] });
  });

  test('refuses a federation of one association in both its count and its list', () => {
    const form = { ...copyOf('tech-federation'), memberAssociationCount: 1, memberAssociations: ['连州市东陂镇水晶梨专业技术协会'] };

    expect(validateForm('tech-federation', form)).toEqual({
      ok: false,
      issues: [
        { path: 'form.memberAssociationCount', message: '会员协会数量不能小于2' },
        { path: 'form.memberAssociations', message: '会员协会名单至少填写2项' },
      ],
    });
  });

  test('reports every problem at once: three mistakes give three issues', () => {
    const form = copyOf('society-station');
    form.contact.mobile = '23800138000';
    form.summary = '短';
    form.experts[0].specialty = '';

    const result = validateForm('society-station', form);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual([
      'form.contact.mobile',
      'form.summary',
      'form.experts.0.specialty',
    ]);
  });

  test('reports a cross-field problem beside field problems', () => {
    const form = copyOf('tech-federation');
    form.memberAssociationCount = 5;
    form.contact.mobile = 'none';

    const result = validateForm('tech-federation', form);

    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['form.contact.mobile', 'form.memberAssociationCount']);
  });

  test('refuses unknown fields at every depth, one issue per field', () => {
    // Prepare: an attempt to set what only the workflow may set
    const form: Mutable = { ...copyOf('expert-station'), status: 'APPROVED', currentLevel: 'province' };
    form.contact.role = 'admin';
    form.experts[0].phone = '13800138000';

    // Act
    const result = validateForm('expert-station', form);

    // Assess
    expect(result).toEqual({
      ok: false,
      issues: expect.arrayContaining([
        { path: 'form.status', message: '不允许的字段：status' },
        { path: 'form.currentLevel', message: '不允许的字段：currentLevel' },
        { path: 'form.contact.role', message: '不允许的字段：role' },
        { path: 'form.experts.0.phone', message: '不允许的字段：phone' },
      ]),
    });
    expect(!result.ok && result.issues).toHaveLength(4);
  });

  test('prefixes paths with the given base path', () => {
    const result = validateForm('science-e-station', { ...copyOf('science-e-station'), venueArea: 1 }, 'body.form');

    expect(!result.ok && result.issues[0].path).toBe('body.form.venueArea');
  });

  test('refuses a form that is not an object with one Chinese issue at the form itself', () => {
    expect(validateForm('tech-federation', null)).toEqual({ ok: false, issues: [{ path: 'form', message: '请填写农技协联合会申请表' }] });
    expect(validateForm('tech-federation', [])).toEqual({ ok: false, issues: [{ path: 'form', message: '农技协联合会申请表格式不正确' }] });
  });

  test('never accepts random values as a form', () => {
    fc.assert(
      fc.property(fc.constantFrom(...applicationTypes), fc.anything(), (type, form) => {
        const result = validateForm(type, form);
        expect(result.ok).toBe(false);
        expect(!result.ok && result.issues.every((i) => chinese.test(i.message))).toBe(true);
      }),
    );
  });

  test('accepts a contact mobile exactly when it is a mainland mobile number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^\d{11}$/), fc.string()), (mobile) => {
        const form = copyOf('township-association');
        form.contact.mobile = mobile;
        expect(validateForm('township-association', form).ok).toBe(isMainlandMobile(mobile.trim()));
      }),
    );
  });

  test('accepts an organisation code exactly when its check passes', () => {
    const code = fc.array(fc.constantFrom(...CREDIT_CODE_CHARSET), { minLength: 17, maxLength: 17 }).chain((chars) =>
      fc.oneof(
        fc.constant(withRightCheckChar(`91${chars.slice(2).join('')}`)),
        fc.constantFrom(...CREDIT_CODE_CHARSET).map((last) => chars.join('') + last),
      ),
    );
    fc.assert(
      fc.property(code, (creditCode) => {
        const form = copyOf('expert-station');
        form.organisation.creditCode = creditCode;
        expect(validateForm('expert-station', form).ok).toBe(isValidCreditCode(creditCode));
      }),
    );
  });

  test('accepts a member count exactly when it is a whole number from 1 to 100000', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -10, max: 200_000 }), fc.double()), (memberCount) => {
        const form = copyOf('rural-tech-association');
        form.memberCount = memberCount;
        const whole = Number.isInteger(memberCount) && memberCount >= 1 && memberCount <= 100_000;
        expect(validateForm('rural-tech-association', form).ok).toBe(whole);
      }),
    );
  });

  test('never accepts a good form with an extra field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...applicationTypes), fc.string({ minLength: 1 }), fc.anything(), (type, key, value) => {
        fc.pre(!(key in catalogue[type].schema.shape) && key !== '__proto__');
        const result = validateForm(type, { ...goodForms[type], [key]: value });
        expect(result).toEqual({ ok: false, issues: [{ path: `form.${key}`, message: `不允许的字段：${key}` }] });
      }),
    );
  });
});

describe('validateSubmission', () => {
  test('accepts a good envelope and gives the validated form', () => {
    const body = { type: 'science-e-station', regionCode: '441882103201', form: goodForms['science-e-station'] };

    const result = validateSubmission(body);

    expect(result).toEqual({
      ok: true,
      value: { type: 'science-e-station', regionCode: '441882103201', form: { ...goodForms['science-e-station'], experts: [] } },
    });
  });

  test('reports the envelope’s and the form’s problems together', () => {
    // Prepare
    const form: Mutable = { ...copyOf('expert-station'), status: 'APPROVED' };
    form.contact.mobile = '123';
    const body = { type: 'expert-station', regionCode: '4418x', form, currentLevel: 'province' };

    // Act
    const result = validateSubmission(body);

    // Assess
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: 'regionCode', message: '承办地区代码须为2至12位数字' },
        { path: 'currentLevel', message: '不允许的字段：currentLevel' },
        { path: 'form.contact.mobile', message: '联系人手机号须为11位中国大陆手机号' },
        { path: 'form.status', message: '不允许的字段：status' },
      ],
    });
  });

  test('refuses an unknown type with its Chinese choices, without judging the form', () => {
    const result = validateSubmission({ type: 'village-bank', regionCode: '441882', form: {} });

    expect(result).toEqual({ ok: false, issues: [{ path: 'type', message: expect.stringMatching(/^申请类型须为以下之一：乡镇科协、/) }] });
  });

  test('refuses a missing form once, named for its type when the type is known', () => {
    expect(validateSubmission({ type: 'expert-station', regionCode: '441882' })).toEqual({
      ok: false,
      issues: [{ path: 'form', message: '请填写农技专家服务站申请表' }],
    });
    expect(validateSubmission({ regionCode: '441882' })).toEqual({
      ok: false,
      issues: [
        { path: 'type', message: '请选择申请类型' },
        { path: 'form', message: '请填写申请表' },
      ],
    });
  });

  test('refuses a missing body', () => {
    expect(validateSubmission(undefined)).toEqual({ ok: false, issues: [{ path: '', message: '请填写申请内容' }] });
  });
});

describe('checkPlacement', () => {
  test.each(applicationTypes)('accepts the good %s form at its fixture host level', (type) => {
    expect(checkPlacement(type, fixtureHostLevels[type], goodForms[type])).toEqual([]);
  });

  test('refuses an e-station outside a village, naming the allowed level', () => {
    expect(checkPlacement('science-e-station', 'township', goodForms['science-e-station'])).toEqual([
      { path: 'regionCode', message: '科普中国乡村e站只能设在村（社区），不能设在乡镇（街道）' },
    ]);
  });

  test('refuses a park for a station hosted below county level', () => {
    const form = { ...copyOf('commissioner-station'), park: goodPark };

    expect(checkPlacement('commissioner-station', 'township', form)).toEqual([
      { path: 'form.park', message: '只有设在县（区）的农村科技特派员工作站才能填写所在园区' },
    ]);
    expect(checkPlacement('commissioner-station', 'county', form)).toEqual([]);
  });
});

describe('formJsonSchema', () => {
  type Json = Record<string, any>;
  /** Every schema below the root that describes a field: object properties and array items. */
  function fieldsOf(schema: Json, path = ''): [string, Json][] {
    const own: [string, Json][] = Object.entries(schema.properties ?? {}).map(([k, v]) => [`${path}.${k}`, v as Json]);
    const items: [string, Json][] = schema.items ? [[`${path}[]`, schema.items]] : [];
    return [...own, ...items].flatMap(([p, s]) => [[p, s] as [string, Json], ...fieldsOf(s, p)]);
  }

  test.each(applicationTypes)('describes the %s form as draft 2020-12 JSON with a Chinese title on every field', (type) => {
    // Act
    const schema = formJsonSchema(type) as Json;

    // Assess
    expect(schema).toEqual(JSON.parse(JSON.stringify(schema)));
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      title: `${catalogue[type].name}申请表`,
    });
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'organisation', 'contact', 'address', 'summary']));
    const untitled = fieldsOf(schema).filter(([, s]) => !chinese.test(s.title ?? ''));
    expect(untitled).toEqual([]);
    for (const [, field] of fieldsOf(schema)) {
      if (field.type === 'object') expect(field.additionalProperties).toBe(false);
    }
  });

  test('offers choices as oneOf with Chinese labels and no bare enum', () => {
    const schema = formJsonSchema('academician-station') as Json;

    const academy = schema.properties.academicians.items.properties.academy;

    expect(academy.enum).toBeUndefined();
    expect(academy.oneOf).toEqual([
      { const: 'CAS', title: '中国科学院院士' },
      { const: 'CAE', title: '中国工程院院士' },
      { const: 'other', title: '其他（如外籍院士）' },
    ]);
  });

  test('requires experts of stations but not of associations, and carries the field rules', () => {
    const station = formJsonSchema('expert-station') as Json;
    const association = formJsonSchema('township-association') as Json;

    expect(station.required).toContain('experts');
    expect(station.properties.experts.minItems).toBe(1);
    expect(association.required).not.toContain('experts');
    expect(station.properties.contact.properties.mobile.pattern).toBe('^1[3-9]\\d{9}$');
    expect(station.properties.summary).toMatchObject({ minLength: 10, maxLength: 2000 });
  });
});

describe('forms/ stays a pure, light module', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );

  // zod/mini, as a namespace: classic zod (its methods and JSON Schema processors, ~90 KiB) stays out of the Lambda
  // bundles, and a named import of the root (`{ z }`) would bring every locale.
  test('imports zod/mini only, as a namespace, and no AWS, Hono or region data', () => {
    const imports = sources('forms').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^import (.+) from '([^']+)';$/gm)].map(([, what, from]) => ({ file, what, from })),
    );

    const external = imports.filter((i) => !i.from.startsWith('.') && !i.from.startsWith('node:'));
    expect(external.filter((i) => i.from !== 'zod/mini')).toEqual([]);
    expect(external.filter((i) => !/^(type )?\* as z$/.test(i.what))).toEqual([]);
  });
});
