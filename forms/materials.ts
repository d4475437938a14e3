// Each type's material list (申报材料清单): the documents an application carries beside its form, what each must be, and its template.
import type { ApplicationType } from './entry.js';
import { fileKinds, type FileKind, type MaterialMime } from './file-kinds.js';

export { fileKinds, type FileKind, type MaterialMime } from './file-kinds.js';

export interface Material {
  /** Stable within its type: a submission names it (`materials: [{ key, uploadId }]`), a return's issue points at `materials.<key>`. */
  key: string;
  /** Chinese name, as officials and applicants call it. */
  name: string;
  /** One Chinese line: what the document must show. */
  hint?: string;
  required: boolean;
  /** MIME types of the kinds accepted; the bytes decide the kind, never the name or the declared type. */
  accept: readonly MaterialMime[];
  maxBytes: number;
  /** Several files under this key (e.g. one certificate per member society). */
  multiple?: boolean;
  /** Where the web pages serve a template to fill in, e.g. `/templates/academician-pledge.pdf`. */
  template?: string;
}

const MiB = 1024 * 1024;
/** Issue 14's limit: a scan of a few dozen pages or a phone photo fits. */
export const maxMaterialBytes = 20 * MiB;

const documents: readonly MaterialMime[] = [fileKinds.pdf.mime, fileKinds.ofd.mime, fileKinds.jpeg.mime, fileKinds.png.mime];
/** A plan or a list is written, not photographed: PDF or OFD. */
const writtenDocuments: readonly MaterialMime[] = [fileKinds.pdf.mime, fileKinds.ofd.mime];
const photos: readonly MaterialMime[] = [fileKinds.jpeg.mime, fileKinds.png.mime, fileKinds.pdf.mime];

type Entry = Omit<Material, 'accept' | 'maxBytes'> & Partial<Pick<Material, 'accept' | 'maxBytes'>>;
const material = (entry: Entry): Material => ({ accept: documents, maxBytes: maxMaterialBytes, ...entry });

const registrationCertificate = (hint: string, multiple?: true) =>
  material({ key: 'registration-certificate', name: '登记证书或营业执照', hint, required: true, ...(multiple ? { multiple } : {}) });

const organisationCertificate = registrationCertificate(
  '申请单位的社会团体法人登记证书、事业单位法人证书、营业执照或统一社会信用代码证书，副本扫描件或照片，名称和统一社会信用代码须与申请表一致',
);

const charter = (of: string) =>
  material({ key: 'charter', name: '章程', hint: `${of}章程（经会员大会或成立大会通过的文本）`, required: true });

const memberRoster = (hint: string) => material({ key: 'member-roster', name: '会员名册', hint, required: true });

const cooperationAgreement = (hint: string) => material({ key: 'cooperation-agreement', name: '合作协议', hint, required: true });

const servicePlan = material({
  key: 'service-plan',
  name: '建设方案',
  hint: '服务目标、服务内容和方式、年度工作计划、场地设备和经费等保障条件',
  required: true,
  accept: writtenDocuments,
});

const expertCredentials = (name: string, hint: string) =>
  material({ key: 'expert-credentials', name, hint, required: true, multiple: true });

const recommendationLetter = (required: boolean) =>
  material({
    key: 'recommendation-letter',
    name: '推荐函',
    hint: '地级以上市科协或所属省级学会出具的推荐函，加盖公章',
    required,
  });

const parkConsent = material({
  key: 'park-consent',
  name: '园区同意进驻证明',
  hint: '设在现代农业产业园或农业科技园区时提供：园区管理机构同意进驻的证明，加盖公章',
  required: false,
});

const hostOpinion = (name: string, hint: string, required = true) => material({ key: 'host-opinion', name, hint, required });

const lists = {
  'township-association': [
    organisationCertificate,
    material({
      key: 'founding-approval',
      name: '同意成立的批复',
      hint: '乡镇党委或乡镇人民政府同意成立乡镇科协的批复或会议纪要，加盖公章',
      required: true,
    }),
    charter('乡镇科协'),
    material({
      key: 'leadership-appointment',
      name: '主席、副主席名单及任职文件',
      hint: '与申请表所填主席、副主席一致；副主席一般由农技站站长、卫生院院长、中学校长和首席科技专家或科技特派员兼任',
      required: true,
    }),
    memberRoster('会员姓名、工作单位、专业或特长，人数与申请表所填会员人数一致'),
  ],
  'rural-tech-association': [
    registrationCertificate('社会团体法人登记证书副本；尚在登记的，提供登记管理机关的受理材料。名称须与申请表一致'),
    charter('协会'),
    memberRoster('会员姓名、所在村组、从事的产业，人数与申请表所填会员人数一致'),
    hostOpinion('所在村（居）委会或乡镇意见', '所在村（居）委会同意成立的意见，承办地为乡镇的由乡镇人民政府出具，加盖公章'),
    material({
      key: 'featured-product',
      name: '一村一品特色产业材料',
      hint: '特色产品的种养规模、带动农户情况，可附基地或产品照片',
      required: false,
      multiple: true,
      accept: photos,
    }),
  ],
  'tech-federation': [
    organisationCertificate,
    charter('联合会'),
    material({
      key: 'member-associations',
      name: '会员协会名单及登记证书',
      hint: '与申请表会员协会名单一致；各会员协会的登记证书可合并为一个文件，也可逐个上传',
      required: true,
      multiple: true,
    }),
    hostOpinion('业务主管单位意见', '县级科协或乡镇科协同意成立的意见，加盖公章'),
  ],
  'society-station': [
    registrationCertificate('依托学会的社会团体法人登记证书副本，名称和统一社会信用代码须与申请表一致'),
    cooperationAgreement('依托学会与承办地（县区政府、乡镇政府或园区）签订的共建协议，写明服务内容和期限，双方盖章'),
    servicePlan,
    expertCredentials('专家名单及资质证明', '与申请表专家名单一致；每位专家的职称证书、聘书或单位证明'),
    recommendationLetter(true),
    parkConsent,
  ],
  'commissioner-station': [
    organisationCertificate,
    cooperationAgreement('派出单位与承办地（县区政府、乡镇政府或园区）签订的共建协议，双方盖章'),
    servicePlan,
    expertCredentials('科技特派员名单及选派文件', '与申请表科技特派员名单一致；科技特派员的选派文件、聘书或派出单位证明'),
    hostOpinion('承办地意见', '承办县（区）或乡镇人民政府同意设站的意见，加盖公章'),
    parkConsent,
  ],
  'academician-station': [
    organisationCertificate,
    cooperationAgreement('建站单位与院士（专家团队）签订的合作协议，写明合作内容、进站时间和期限（一般三年），双方签字盖章'),
    material({
      key: 'academician-pledge',
      name: '院士承诺书',
      hint: '每位进站院士本人签字的承诺书（下载模板填写后签字扫描）',
      required: true,
      multiple: true,
      template: '/templates/academician-pledge.pdf',
    }),
    servicePlan,
    expertCredentials('院士专家团队名单及资质证明', '与申请表进站院士、专家名单一致；院士证书或当选证明，团队成员的职称证书'),
    recommendationLetter(true),
    hostOpinion('承办地意见', '设在乡村的，由所在村（居）委会和乡镇人民政府出具同意建站的意见', false),
    parkConsent,
  ],
  'consortium-station': [
    registrationCertificate('联合体各成员学会的社会团体法人登记证书副本，可合并为一个文件，也可逐个上传', true),
    material({
      key: 'consortium-agreement',
      name: '联合体组建协议',
      hint: '各成员学会共同签署的协议，写明牵头学会和各方分工，各方盖章',
      required: true,
    }),
    cooperationAgreement('联合体与承办县（区）人民政府或科协签订的共建协议，双方盖章'),
    servicePlan,
    expertCredentials('专家名单及资质证明', '与申请表专家名单一致；每位专家的职称证书、聘书或单位证明'),
  ],
  'expert-station': [
    organisationCertificate,
    cooperationAgreement('依托单位与承办县（区）签订的共建协议，双方盖章'),
    servicePlan,
    expertCredentials('专家名单及资质证明', '与申请表专家名单一致；每位专家的职称证书、聘书或单位证明'),
    recommendationLetter(false),
  ],
  'science-e-station': [
    registrationCertificate('村（居）委会的统一社会信用代码证书，或运营单位的登记证书、营业执照'),
    hostOpinion('所在村（居）委会和乡镇意见', '所在村（居）委会同意设站并经乡镇人民政府确认的意见，加盖公章'),
    material({
      key: 'venue-photos',
      name: '场地照片',
      hint: '室内外场地、电子屏或电脑等设备和站点标识的照片，手机拍摄即可',
      required: true,
      multiple: true,
      accept: photos,
    }),
    material({
      key: 'operator-appointment',
      name: '运营人确认书',
      hint: '村委会确定科普信息员（运营人）的文件，与申请表所填运营人一致',
      required: true,
    }),
  ],
} satisfies Record<ApplicationType, Material[]>;

/** The materials of a type, in the order the application shows them. */
export function materialsFor(type: ApplicationType): readonly Material[] {
  return lists[type];
}

/** One material of a type by its key, or undefined. */
export function findMaterial(type: ApplicationType, key: string): Material | undefined {
  return lists[type].find((m) => m.key === key);
}

/** The kind a MIME type names, when it is one the catalogue knows. */
export function kindOfMime(mime: string): FileKind | undefined {
  return (Object.keys(fileKinds) as FileKind[]).find((kind) => fileKinds[kind].mime === mime);
}
