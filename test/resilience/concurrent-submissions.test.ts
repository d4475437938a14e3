// 100 submissions at once: 100 applications, none lost, none duplicated, each with its workflow.
import { describe, expect, it } from 'vitest';
import { eventually, stackForFile } from '../support/local.js';
import { ORG, submission } from '../support/submissions.js';
import { listAll } from '../support/applications.js';

const TOWNSHIP = '441882102'; // 大路边镇, 连州市: a society station there has no one-per-region rule
const COUNT = 100;

const file = stackForFile();

describe('100 concurrent submissions', () => {
  it('stores exactly 100 applications, each once, each listed by its owner and waiting in the inbox', { timeout: 60_000 }, async () => {
    // Act: 100 different forms in flight together
    const answers = await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        file.api.call('POST', '/v1/applications', {
          token: file.tokens.applicant,
          body: submission('society-station', TOWNSHIP, ORG, (form) => (form.name = `并发测试站点第${i + 1}号`)),
        }),
      ),
    );

    // Assess: every answer is a 201 with its own id
    expect(answers.map((a) => a.status)).toEqual(Array(COUNT).fill(201));
    const ids = answers.map((a) => a.body.id as string);
    expect(new Set(ids).size).toBe(COUNT);
    const names = new Set(answers.map((a) => a.body.form.name));
    expect(names.size).toBe(COUNT);

    // ... the owner's list through the API (the byOwner index) holds each exactly once
    const listed = await listAll(file.api, '/v1/applications', file.tokens.applicant);
    expect(listed.map((a) => a.id).sort()).toEqual([...ids].sort());

    // ... and the index itself, read directly, agrees
    const owned: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await file.api.stack.services.lists.listByOwner(ORG, { limit: 100, cursor });
      owned.push(...page.items.map((a) => a.id));
      cursor = page.cursor;
    } while (cursor);
    expect(owned.sort()).toEqual([...ids].sort());

    // ... each has its one submit entry, and its workflow put it into the township's inbox exactly once
    const inbox = await eventually(async () => {
      const items = await listAll(file.api, '/v1/tasks', file.tokens.township);
      return items.length >= COUNT ? items : undefined;
    }, 15_000, `${COUNT} tasks in the inbox`);
    expect(inbox.map((a) => a.id).sort()).toEqual([...ids].sort());
    const running = await file.api.stack.engine.listExecutions(file.api.stack.services.config.stateMachineArn!, 1000);
    expect(running.executions.map((e) => e.name).sort()).toEqual([...ids].sort());
    for (const id of ids.slice(0, 10)) {
      const read = await file.api.call('GET', `/v1/applications/${id}`, { token: file.tokens.applicant });
      expect(read.body.history.map((e: { action: string }) => e.action)).toEqual(['submit']);
    }
  });
});
