// Every key and index of the single table, spelled here and nowhere else.
// The workflow definition reaches the same keys through the ASL helpers at the bottom.

export const TABLE_INDEXES = {
  /** Pending decisions: partition per deciding region, oldest first. Sparse: set while a task token waits. */
  inbox: { name: 'inbox', pk: 'inboxPk', sk: 'inboxSk' },
  /** An applicant organisation's own applications, newest first. */
  byOwner: { name: 'byOwner', pk: 'ownerPk', sk: 'ownerSk' },
  /** All applications by host region code, so any region prefix is one Query. */
  byRegion: { name: 'byRegion', pk: 'regionPk', sk: 'regionSk' },
  /** The same, per status. Registry entries are on it too, each in its scope's partition of its certificate's status. */
  byStatus: { name: 'byStatus', pk: 'statusPk', sk: 'regionSk' },
  /** Work the API handed to the workflow engine and has not seen acknowledged (start or callback). Sparse. */
  outbox: { name: 'outbox', pk: 'outboxPk', sk: 'outboxAt' },
  /**
   * Work that comes due at a time, soonest first (sparse): a wait's timed notices, a notice to hand to its channels, a
   * delivery to send or send again. One partition; each item names its handler (`dueKind`, functions/services/sweep.ts),
   * so later capabilities (a term's end, an annual report's deadline) put their own items on it.
   */
  due: { name: 'due', pk: 'duePk', sk: 'dueSk' },
} as const;

export type Key = { pk: string; sk: string };

/** The table's key attributes, as `Key` names them. */
const PK = 'pk' satisfies keyof Key;
const SK = 'sk' satisfies keyof Key;

/** The condition of a write that may only create its item. */
export const IS_NEW = `attribute_not_exists(${PK})`;

/** Key conditions of a Query on the table's own key: one partition, or a range of its sort keys (`:low`, `:high`) or those after `:after`. */
export const KEY_CONDITION = {
  partition: `${PK} = :pk`,
  sortKeyPrefix: `${PK} = :pk AND begins_with(${SK}, :prefix)`,
  sortKeyBetween: `${PK} = :pk AND ${SK} BETWEEN :low AND :high`,
  sortKeyAfter: `${PK} = :pk AND ${SK} > :after`,
  sortKeyBefore: `${PK} = :pk AND ${SK} < :before`,
};

/** The table key of an item read back. */
export function keyOf(item: Record<string, unknown>): Key {
  return { pk: item[PK] as string, sk: item[SK] as string };
}

/** An item's attributes without its key. */
export function withoutKey(item: Record<string, unknown>): Record<string, unknown> {
  const { [PK]: _pk, [SK]: _sk, ...attributes } = item;
  return attributes;
}

/**
 * The attributes that conditions, updates and the workflow's ASL name: the application item's (read and written by
 * store/applications.ts, store/registry.ts and workflows/approval.ts alike) and the other items' the store reads
 * back. Renaming one here renames it everywhere, so a rename breaks the build, not production.
 */
export const ATTR = {
  /** The application item. */
  application: {
    id: 'id',
    type: 'type',
    regionCode: 'regionCode',
    applicant: 'applicant',
    submittedAt: 'submittedAt',
    status: 'status',
    currentLevel: 'currentLevel',
    form: 'form',
    version: 'version',
    updatedAt: 'updatedAt',
    certificateNo: 'certificateNo',
    approvedAt: 'approvedAt',
    /** The waiting task's token, set by the workflow's callback state and removed by the change that settles it. */
    taskToken: 'taskToken',
    taskSince: 'taskSince',
    taskDueAt: 'taskDueAt',
    taskExpiresAt: 'taskExpiresAt',
    /** The last level approved: the workflow is recording the certificate. */
    awaitingRecord: 'awaitingRecord',
    /** What the API left for the workflow engine (store/applications.ts's Outbox). */
    outbox: 'outbox',
    paused: 'paused',
    /** The files attached (functions/domain/materials.ts MaterialRecord), and those a resubmission replaced. */
    materials: 'materials',
    replacedMaterials: 'replacedMaterials',
    /** 受理号 (functions/domain/case-number.ts); absent on an application stored before case numbers until backfilled (store/case-number-backfill.ts). */
    caseNo: 'caseNo',
    /** What a search fragment is matched against (functions/domain/search.ts searchTextOf). */
    searchText: 'searchText',
    /** An annual report's or a change's certificate (functions/domain/process.ts Subject). */
    subject: 'subject',
    /** The level whose overdue timer fired for the waiting task (counted overdue there until the change that settles it). */
    overdueLevel: 'overdueLevel',
    /**
     * The application stands in the pipeline's in-progress counts (set by its submission, by its first change after the
     * pipeline shipped, or by store/pipeline-backfill.ts): a change takes off only what was counted.
     */
    pipelineCounted: 'pipelineCounted',
  },
  /** An upload (store/uploads.ts): its check's verdict and lease, and where it was attached. */
  upload: {
    status: 'status',
    org: 'org',
    checked: 'checked',
    refusal: 'refusal',
    attachedTo: 'attachedTo',
    /** When its slot ends unattached (ISO): the sweeper then removes it, bytes and record. */
    expiresAt: 'expiresAt',
    /** A check under way holds the upload until then (ISO), with its own token. */
    checkUntil: 'checkUntil',
    checkToken: 'checkToken',
    /** A pending upload's bytes have had time to arrive by then (ISO): the sweeper checks it, should no check have run. */
    checkBy: 'checkBy',
  },
  /** A plan rule's guard: the application holding it. */
  guard: { holder: 'appId' },
  idempotency: { requestHash: 'requestHash', answer: 'answer' },
  /** The certificate item (its record's fields are the registry record's, functions/domain/registry.ts). */
  certificate: { status: 'status', validUntil: 'validUntil', version: 'version', reports: 'reports', pendingChange: 'pendingChange' },
  /** A certificate's next annual report deadline (functions/services/processes.ts): the year it is for. */
  reportDue: { certificateNo: 'certificateNo', year: 'year' },
  /** The certificate number counter of a year: the last number given. */
  counter: { last: 'last' },
  stats: { total: 'total', n: 'n', ids: 'ids', refs: 'refs', version: 'version', goal: 'goal', region: 'region', holder: 'appId' },
  /** Anything on the due index: which handler takes it (functions/services/sweep.ts). */
  due: { kind: 'dueKind' },
  /** A user's read state of a recipient's notices: read up to the watermark, and these ids after it. */
  readState: { watermark: 'watermark', read: 'readIds' },
  /** A wait's timer: the change that started the wait (its round), and the timed notices still to come. */
  timer: { round: 'round', steps: 'steps' },
  /** A delivery: its state, attempts (each claim's fencing number) and lease. */
  delivery: { status: 'status', attempts: 'attempts', leaseUntil: 'leaseUntil' },
  /** A need of the demand library (store/demands.ts): every change is conditional on its version. */
  demand: { version: 'version', status: 'status', regionCode: 'regionCode', kind: 'kind', industry: 'industry', id: 'id' },
  /** A draft (store/drafts.ts): every save is conditional on its version. */
  draft: { version: 'version' },
  /** A gap counter (GET /v1/gaps). */
  gap: { n: 'n' },
} as const;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const keys = {
  application: (id: string): Key => ({ pk: `APP#${id}`, sk: 'APP' }),
  /** History: one item per event, numbered by the application version that the event produced. */
  event: (id: string, version: number): Key => ({ pk: `APP#${id}`, sk: `EVT#${pad(version, 6)}` }),
  eventPrefix: 'EVT#',
  applicationPk: (id: string) => `APP#${id}`,

  certificate: (certificateNo: string): Key => ({ pk: `CERT#${certificateNo}`, sk: 'CERT' }),
  certificateCounter: (year: number): Key => ({ pk: `SEQ#CERT#${year}`, sk: 'SEQ' }),
  /** A certificate's history after approval: one item per change, numbered by the certificate version it produced. */
  certificateEvent: (certificateNo: string, version: number): Key => ({ pk: `CERT#${certificateNo}`, sk: `EVT#${pad(version, 6)}` }),

  /** Registry entries fan out into one item per query scope, so every filter combination is one Query. */
  registryScope: (scope: { type?: string; region?: string }) =>
    `REG#${scope.type ?? '*'}#${scope.region ?? '*'}`,
  registryEntry: (scopePk: string, approvedAt: string, id: string): Key => ({ pk: scopePk, sk: `${approvedAt}#${id}` }),
  /** A scope's entries of one certificate status, on the byStatus index. */
  registryStatusScope: (scopePk: string, status: string) => `${scopePk}#${status}`,
  /** Sort-key bounds of the entries approved from `from` to `to`, both inclusive ISO instants: '~' sorts after any `#${id}`. */
  registryRange: (from?: string, to?: string) => ({ low: from ?? '0', high: `${to ?? '9'}~` }),

  /** A case number (受理号): given once, read by the number alone (the public lookup, a search by the whole number). */
  caseNumber: (caseNo: string): Key => ({ pk: `CASE#${caseNo}`, sk: 'CASE' }),
  /**
   * The search index: one item per bigram of an application's searchable fields (functions/domain/search.ts), in a
   * partition per bigram, sorted as byRegion is (region code, then submission), so a region prefix is one Query.
   */
  searchPk: (gram: string) => `SEARCH#${gram}`,
  searchEntry: (gram: string, regionCode: string, submittedAt: string, id: string): Key => ({
    pk: `SEARCH#${gram}`,
    sk: `${regionCode}#${submittedAt}#${id}`,
  }),
  /** What an office (its region code: the level follows from its length) decided, newest last (已办). */
  decidedPk: (officeRegion: string) => `DONE#${officeRegion}`,
  decided: (officeRegion: string, at: string, id: string): Key => ({ pk: `DONE#${officeRegion}`, sk: `${at}#${id}` }),

  /** Uniqueness guard of a plan rule (one per host region). */
  guard: (type: string, regionCode: string): Key => ({ pk: `GUARD#${type}#${regionCode}`, sk: 'GUARD' }),
  idempotency: (sub: string, key: string): Key => ({ pk: `IDEM#${sub}#${key}`, sk: 'IDEM' }),
  /** An upload slot and its check (functions/store/uploads.ts); read by its id alone, never listed. */
  upload: (id: string): Key => ({ pk: `UPLOAD#${id}`, sk: 'UPLOAD' }),
  /** An office's stock comments (常用意见): one item, its list whole, every save conditional on its version. */
  officeComments: (level: string, region: string): Key => ({ pk: `OFFICE#${level}#${region}`, sk: 'COMMENTS' }),
  /** An organisation's drafts (草稿): one partition, ULIDs, so the newest is last; read by key with the owner in it. */
  draftsPk: (org: string) => `DRAFTS#${org}`,
  draft: (org: string, id: string): Key => ({ pk: `DRAFTS#${org}`, sk: `DRAFT#${id}` }),
  draftPrefix: 'DRAFT#',
  stats: (sk: string): Key => ({ pk: 'STATS', sk }),
  /** Progress against the plan: every counter is an item of the one STATS partition, read by one Query. */
  statsPk: 'STATS',
  /** Approved counts of a scope ('44', a city or a county): `total` and one attribute per type. */
  statsCount: (scope: string): Key => keys.stats(`COUNT#${scope}`),
  statsCountPrefix: 'COUNT#',
  statsGoal: (goal: string): Key => keys.stats(`GOAL#${goal}`),
  statsGoalPrefix: 'GOAL#',
  /** Certificates ended, by how (`REVOKED`, `EXPIRED`, `DISSOLVED`): one item, one attribute each. */
  statsEnded: (): Key => keys.stats('ENDED'),
  /**
   * The approval pipeline's counters of a scope ('44', a city or a county: functions/domain/pipeline.ts names the
   * attributes), kept by the transactions that move applications; one partition, read by one Query.
   */
  pipeline: (scope: string): Key => ({ pk: 'PIPELINE', sk: scope }),
  pipelinePk: 'PIPELINE',
  /** A region already counted toward a coverage goal (outside STATS, so reading the counters never reads markers). */
  coverage: (goal: string, regionCode: string): Key => ({ pk: `COVER#${goal}#${regionCode}`, sk: 'COVER' }),
  /** Identities of the experts counted so far, hashed into a fixed number of buckets (functions/store/stats.ts). */
  expertBucket: (bucket: number): Key => ({ pk: `EXPERTS#${pad(bucket, 2)}`, sk: 'EXPERTS' }),

  inbox: (regionCode: string) => `TASK#${regionCode}`,
  inboxOrder: (enqueuedAt: string, id: string) => `${enqueuedAt}#${id}`,
  owner: (org: string) => `ORG#${org}`,
  ownerOrder: (submittedAt: string, id: string) => `${submittedAt}#${id}`,
  regionAll: 'APPS',
  regionStatus: (status: string) => `APPS#${status}`,
  regionOrder: (regionCode: string, submittedAt: string, id: string) => `${regionCode}#${submittedAt}#${id}`,
  outbox: 'OUTBOX',

  /** A recipient's notices (`office:…`, `org:…`, `admins`), by id: ULIDs, so the newest is last. */
  notificationsPk: (recipient: string) => `NOTE#${recipient}`,
  notification: (recipient: string, id: string): Key => ({ pk: `NOTE#${recipient}`, sk: id }),
  /** One user's read state of one recipient's notices (a user moved to another office starts afresh there). */
  readState: (sub: string, recipient: string): Key => ({ pk: `READ#${sub}`, sk: recipient }),
  /** An urge's history entry: after the event of the version it was sent at, before the next (urges change no version). */
  urgeEvent: (id: string, version: number, urgeId: string): Key => ({ pk: `APP#${id}`, sk: `EVT#${pad(version, 6)}#${urgeId}` }),
  /** One urge per application and working day (CST date). */
  urgeMarker: (id: string, day: string): Key => ({ pk: `URGE#${id}`, sk: day }),
  /** The timer of an application's current wait: one at a time, replaced by the next wait's. */
  waitTimer: (id: string): Key => ({ pk: `TIMER#APP#${id}`, sk: 'WAIT' }),
  /** An office's delivery channels (e-mail addresses, robot). */
  channels: (recipient: string): Key => ({ pk: `CHAN#${recipient}`, sk: 'CHAN' }),
  /** A notice's delivery on one channel. */
  delivery: (notificationId: string, channel: string): Key => ({ pk: `DLV#${notificationId}`, sk: channel }),
  /** Deliveries that failed for good, newest last, for the administrators. */
  failedDeliveriesPk: 'DLVFAILED',
  failedDelivery: (at: string, notificationId: string, channel: string): Key => ({ pk: 'DLVFAILED', sk: `${at}#${notificationId}#${channel}` }),
  due: 'DUE',
  /** Due at `at`; the item's own key after it keeps the order total and tells one item's turns apart. */
  dueOrder: (at: string, item: Key, turn = '') => `${at}#${item.pk}#${item.sk}${turn ? `#${turn}` : ''}`,
  /** Sort keys of the items due at `now` or before. */
  dueBefore: (now: string) => `${now}~`,
  /** A certificate's annual report deadline: one item per certificate, moved on to the next year's once taken. */
  reportDue: (certificateNo: string): Key => ({ pk: `CERT#${certificateNo}`, sk: 'REPORTDUE' }),
  /** A need of the demand library (需求库) and, in its partition, its history and its responses. */
  demand: (id: string): Key => ({ pk: `DEMAND#${id}`, sk: 'DEMAND' }),
  demandPk: (id: string) => `DEMAND#${id}`,
  /** A need's history: one item per change, numbered by the version the change produced. */
  demandEvent: (id: string, version: number): Key => ({ pk: `DEMAND#${id}`, sk: `EVT#${pad(version, 6)}` }),
  /** One response per organisation and need: the key itself refuses a second. */
  demandResponse: (id: string, org: string): Key => ({ pk: `DEMAND#${id}`, sk: `RESP#${org}` }),
  demandResponsePrefix: 'RESP#',
  /**
   * Needs fan out into one entry per list scope, as the registry's records do: status × the province and each
   * ancestor region × kind or any × industry or any (at most 20), so every filter combination is one Query, newest
   * first. An entry moves to its new status's scopes in the change that moves the need.
   */
  demandListScope: (scope: { status: string; region: string; kind?: string; industry?: string }) =>
    `DEMLIST#${scope.status}#${scope.region}#${scope.kind ?? '*'}#${scope.industry ?? '*'}`,
  demandListEntry: (scopePk: string, postedAt: string, id: string): Key => ({ pk: scopePk, sk: `${postedAt}#${id}` }),
  /** The text search's postings: one item per gram (functions/domain/demand.ts searchGrams) and need, newest last. */
  demandGram: (gram: string, postedAt: string, id: string): Key => ({ pk: `DEMQ#${gram}`, sk: `${postedAt}#${id}` }),
  demandGramPk: (gram: string) => `DEMQ#${gram}`,
  /** The needs a station's certificate was matched with (its public record shows them), by need id: ULIDs, newest last. */
  certificateDemand: (certificateNo: string, demandId: string): Key => ({ pk: `CERTDEM#${certificateNo}`, sk: demandId }),
  certificateDemandPk: (certificateNo: string) => `CERTDEM#${certificateNo}`,

  /**
   * How many published needs of a region (a city, county or township) have had no response yet (GET /v1/gaps): kept by
   * the transactions that post a need and give it its first response.
   */
  unansweredDemands: (regionCode: string): Key => ({ pk: `GAP#UNANSWERED#${regionCode}`, sk: 'GAP' }),
  /** Of those, how many have waited past DEMAND_RESPONSE_DAYS (the sweeper's flag +1, their first response -1). */
  overdueDemands: (regionCode: string): Key => ({ pk: `GAP#OVERDUE#${regionCode}`, sk: 'GAP' }),
  /** A published need's wait for its first response, on the due index until then (dueKind `demand`). */
  demandAging: (id: string): Key => ({ pk: `DEMAND#${id}`, sk: 'AGING' }),
  /** A village's need's wait for its office's confirmation (due at its confirmBy; the sweeper reminds the office then). */
  demandConfirmWait: (id: string): Key => ({ pk: `DEMAND#${id}`, sk: 'CONFIRM' }),

  /** That a one-time change of stored data ran (functions/store/registry.ts backfillLife). */
  migration: (name: string): Key => ({ pk: `MIGRATION#${name}`, sk: 'MIGRATION' }),
  /** Read by the health check: nothing is ever stored under it. */
  health: { pk: 'HEALTH', sk: 'HEALTH' } as Key,
};

/**
 * ASL fragments for the workflow's DynamoDB SDK integration: the same keys, built from JSONPath.
 * `idPath` is a JSONPath into the state input, e.g. `$.id`.
 */
export const aslKeys = {
  application: (idPath: string) => ({
    pk: { 'S.$': `States.Format('APP#{}', ${idPath})` },
    sk: { S: 'APP' },
  }),
  inbox: (regionPath: string) => ({ 'S.$': `States.Format('TASK#{}', ${regionPath})` }),
  inboxOrder: (atPath: string, idPath: string) => ({ 'S.$': `States.Format('{}#{}', ${atPath}, ${idPath})` }),
  indexes: TABLE_INDEXES,
  attributes: ATTR.application,
};

export const TTL_ATTRIBUTE = 'expiresAtEpoch';

/** The table's shape, for CDK (infra/storage.ts) and the local stack (infra/local/dynamodb.ts) alike. */
export const tableDesign = {
  timeToLiveAttribute: TTL_ATTRIBUTE,
  partitionKey: PK,
  sortKey: SK,
  indexes: Object.values(TABLE_INDEXES).map((index) => ({ name: index.name, partitionKey: index.pk, sortKey: index.sk })),
} as const;
