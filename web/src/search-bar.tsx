// The search and filters above the application lists (待办, 辖区申请, 全部申请, 我的申请): a fragment of the name, the
// organisation, its credit code or the case number, the type, the submission dates and the order. Applied on 搜索.
import { useState } from 'preact/hooks';
import type { FormType, ListFilters } from './types';

export function SearchBar({ forms, onSearch, initial = {}, children }: { forms?: Pick<FormType, 'type' | 'name'>[]; onSearch: (filters: ListFilters) => void; initial?: ListFilters; children?: preact.ComponentChildren }) {
  const [draft, setDraft] = useState<ListFilters>(initial);
  const [hint, setHint] = useState<string>();
  const [wide] = useState(() => window.matchMedia('(min-width: 720px)').matches);
  const set = (field: keyof ListFilters) => (event: { currentTarget: { value: string } }) => setDraft({ ...draft, [field]: event.currentTarget.value });
  return (
    <form
      class="search-bar"
      role="search"
      aria-label="搜索申请"
      onSubmit={(event) => {
        event.preventDefault();
        const q = (draft.q ?? '').trim();
        // One character would match nearly everything: said here, before asking.
        if ([...q.replace(/[\s-]/g, '')].length === 1) return setHint('搜索内容至少 2 个字符');
        setHint(undefined);
        onSearch({ ...draft, q: q || undefined });
      }}
    >
      <div class="field search-q">
        <label for="search-q">搜索</label>
        <input id="search-q" type="search" value={draft.q ?? ''} maxLength={50} placeholder="名称、申请单位、信用代码或受理号" aria-describedby={hint ? 'search-hint' : undefined} onInput={set('q')} />
        {hint ? (
          <p id="search-hint" class="field-error" role="alert">
            {hint}
          </p>
        ) : null}
      </div>
      {/* On a phone the filters fold away under one line; on a desktop they show. */}
      <details class="search-more" open={wide}>
        <summary>筛选与排序</summary>
        <div class="search-filters">
          <div class="field">
            <label for="search-type">类型</label>
            <select id="search-type" value={draft.type ?? ''} onChange={set('type')}>
              <option value="">全部类型</option>
              {(forms ?? []).map((form) => (
                <option key={form.type} value={form.type}>
                  {form.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="search-from">提交日期起</label>
            <input id="search-from" type="date" value={draft.from ?? ''} onInput={set('from')} />
          </div>
          <div class="field">
            <label for="search-to">提交日期止</label>
            <input id="search-to" type="date" value={draft.to ?? ''} onInput={set('to')} />
          </div>
          <div class="field">
            <label for="search-sort">排序</label>
            <select id="search-sort" value={draft.sort ?? ''} onChange={set('sort')}>
              <option value="">默认</option>
              <option value="newest">最新提交在前</option>
              <option value="oldest">最早提交在前</option>
            </select>
          </div>
          {children}
        </div>
      </details>
      <button type="submit" class="primary">
        搜索
      </button>
    </form>
  );
}
