// Valid forms of every type with real-looking data, for tests here and in the API. Host levels to submit them at are in `fixtureHostLevels`.
import type { RegionLevel } from '../functions/domain/region-codes.js';
import type { ApplicationType, FormInputOf } from './catalogue.js';
import { creditCodeCheckChar } from './credit-code.js';

/** A credit code from its first 17 characters, with the right check character. */
const withCheckChar = (first17: string) => first17 + creditCodeCheckChar(first17);

export const creditCodes = {
  enterprise: '91441882MA4UA1B2C9', // api.md's example; its check character is right
  townshipGovernment: withCheckChar('11441882007012345'),
  countyBureau: withCheckChar('11441882007088812'),
  provincialSociety: withCheckChar('51440000MJ0000123'),
  villageAssociation: withCheckChar('51441882MJ1234567'),
  countyFederation: withCheckChar('51441882MJ7654321'),
  villageCommittee: withCheckChar('54441882MEB123456'),
};

const contact = { name: '张伟', mobile: '13800138000', email: 'zhangwei@lianzhou.example.cn' };
const fruitExpert = { name: '李建国', title: '研究员', affiliation: '广东省农业科学院果树研究所', specialty: '果树栽培' };
const vegetableExpert = {
  name: '陈秀兰',
  title: '高级农艺师',
  affiliation: '连州市农业技术推广中心',
  specialty: '蔬菜病虫害防治',
};
const countyStation = {
  contact,
  address: '广东省清远市连州市连州镇中山南路88号',
  experts: [fruitExpert, vegetableExpert],
  serviceIndustries: ['planting', 'processing'],
  serviceArea: '连州市大路边镇、东陂镇、西岸镇的果蔬种植基地',
} satisfies Partial<FormInputOf<'expert-station'>>;

export const goodForms: { [T in ApplicationType]: FormInputOf<T> } = {
  'township-association': {
    name: '连州市大路边镇科学技术协会',
    organisation: { name: '连州市大路边镇人民政府', creditCode: creditCodes.townshipGovernment },
    contact,
    address: '广东省清远市连州市大路边镇大路边街1号',
    summary: '组织全镇农技、卫生、教育战线的科技工作者，开展科普宣传和农业技术服务。',
    experts: [],
    chair: { name: '黄志强', post: '副镇长（分管农业农村工作）' },
    viceChairs: [
      { name: '刘海涛', role: 'agri-tech-station-head', affiliation: '大路边镇农业技术推广站' },
      { name: '吴丽华', role: 'hospital-director', affiliation: '大路边镇卫生院' },
      { name: '何俊', role: 'school-head', affiliation: '连州市大路边中学' },
      { name: '李建国', role: 'chief-expert', affiliation: '广东省农业科学院果树研究所' },
    ],
    memberCount: 86,
  },
  'rural-tech-association': {
    name: '连州市大路边镇山塘村菜心专业技术协会',
    organisation: { name: '连州市大路边镇山塘村菜心专业技术协会', creditCode: creditCodes.villageAssociation },
    contact,
    address: '广东省清远市连州市大路边镇山塘村委会旁',
    summary: '围绕连州菜心组织种植户开展品种选育、绿色防控和品牌销售方面的技术交流。',
    experts: [vegetableExpert],
    featuredProduct: '连州菜心',
    industry: 'planting',
    memberCount: 126,
    legalRepresentative: { name: '邓国平', mobile: '13929876543' },
    establishedOn: '2019-04-18',
  },
  'tech-federation': {
    name: '连州市农村专业技术协会联合会',
    organisation: { name: '连州市农村专业技术协会联合会', creditCode: creditCodes.countyFederation },
    contact,
    address: '广东省清远市连州市连州镇建设路12号',
    summary: '联合全市农技协，统筹专家资源，为会员协会提供技术培训和市场信息服务。',
    memberAssociationCount: 3,
    memberAssociations: [
      '连州市大路边镇山塘村菜心专业技术协会',
      '连州市东陂镇水晶梨专业技术协会',
      '连州市西岸镇沙坊粉专业技术协会',
    ],
    legalRepresentative: { name: '梁文斌', mobile: '13602345678' },
    establishedOn: '2021-09-10',
  },
  'society-station': {
    ...countyStation,
    name: '广东省园艺学会连州市科技服务站',
    organisation: { name: '广东省园艺学会', creditCode: creditCodes.provincialSociety },
    summary: '组织学会专家定期到连州开展果蔬栽培技术指导、现场培训和新品种示范。',
    supportingOrganisations: [
      { name: '广东省园艺学会', kind: 'society' },
      { name: '华南农业大学园艺学院', kind: 'university' },
    ],
  },
  'commissioner-station': {
    ...countyStation,
    name: '连州市大路边镇农村科技特派员工作站',
    organisation: { name: '连州市大路边镇人民政府', creditCode: creditCodes.townshipGovernment },
    summary: '科技特派员驻镇开展菜心、水晶梨种植技术指导，培训乡土技术人才。',
    supportingOrganisations: [{ name: '广东省农业科学院', kind: 'institute' }],
  },
  'academician-station': {
    ...countyStation,
    name: '连州市水晶梨院士专家工作站',
    organisation: { name: '连州市丰源农业发展有限公司', creditCode: creditCodes.enterprise },
    summary: '依托院士团队开展水晶梨品种改良、病害防控和采后保鲜技术攻关。',
    supportingOrganisations: [{ name: '华南农业大学', kind: 'university' }],
    academicians: [{ name: '周明远', academy: 'CAE', field: '果树遗传育种' }],
  },
  'consortium-station': {
    ...countyStation,
    name: '连州市乡村振兴学会联合体科技服务站',
    organisation: { name: '广东省园艺学会', creditCode: creditCodes.provincialSociety },
    summary: '多个省级学会联合开展产业诊断、技术培训和科普活动，服务全市乡村振兴。',
    supportingOrganisations: [
      { name: '广东省园艺学会', kind: 'society' },
      { name: '广东省植物保护学会', kind: 'society' },
      { name: '广东省农学会', kind: 'society' },
    ],
  },
  'expert-station': {
    ...countyStation,
    name: '连州市农技专家服务站',
    organisation: { name: '连州市农业农村局', creditCode: creditCodes.countyBureau },
    summary: '组织农技专家为全市种养大户和合作社提供技术咨询、田间诊断和培训。',
    supportingOrganisations: [{ name: '连州市农业技术推广中心', kind: 'other' }],
  },
  'science-e-station': {
    name: '科普中国乡村e站（连州市大路边镇山塘村）',
    organisation: { name: '连州市大路边镇山塘村民委员会', creditCode: creditCodes.villageCommittee },
    contact,
    address: '广东省清远市连州市大路边镇山塘村文化室',
    summary: '利用科普中国资源开展健康、农技和防灾科普，为村民提供信息服务。',
    operator: { name: '邓小燕', mobile: '15017654321' },
    venueArea: 60,
  },
};

/** A level at which each good form may be submitted (a park needs county). */
export const fixtureHostLevels: Record<ApplicationType, RegionLevel> = {
  'township-association': 'township',
  'rural-tech-association': 'village',
  'tech-federation': 'county',
  'society-station': 'county',
  'commissioner-station': 'township',
  'academician-station': 'county',
  'consortium-station': 'county',
  'expert-station': 'county',
  'science-e-station': 'village',
};

export const goodPark = { name: '连州市菜心现代农业产业园', kind: 'modern-agriculture-park' as const };
