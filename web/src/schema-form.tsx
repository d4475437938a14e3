// Renders the catalogue's JSON Schema as form fields (and as a read-only record): the schema is the only copy of the fields.
import type { JSX, TargetedEvent } from 'preact';
import { emptyValue, fieldId, getAt, issuePath, setAt, type Path } from './form-value';
import type { Issue, JsonSchema } from './types';

/** Messages by API path (`form.contact.mobile`). */
export type Messages = Map<string, string[]>;

export function messagesByPath(issues: Issue[]): Messages {
  const out: Messages = new Map();
  for (const issue of issues) {
    const key = issue.path ?? '';
    out.set(key, [...(out.get(key) ?? []), issue.message]);
  }
  return out;
}

interface Context {
  /** Validation errors from the API, shown beside their fields. */
  errors: Messages;
  /** The official's problems from a return, shown beside the fields they name. */
  notes: Messages;
  change: (path: Path, value: unknown) => void;
}

interface SchemaFormProps {
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
  /** A field was edited: its API path (`form.contact.mobile`), so that its earlier errors can go. */
  onFieldChange?: (path: string) => void;
  errors?: Messages;
  notes?: Messages;
}

export function SchemaForm({ schema, value, onChange, onFieldChange, errors = new Map(), notes = new Map() }: SchemaFormProps) {
  const ctx: Context = {
    errors,
    notes,
    change: (path, next) => {
      onChange(setAt(value, path, next));
      onFieldChange?.(issuePath(path));
    },
  };
  return <div class="schema-form">{properties(schema, [], value, ctx)}</div>;
}

function properties(schema: JsonSchema, path: Path, value: unknown, ctx: Context) {
  return Object.entries(schema.properties ?? {}).map(([key, child]) => (
    <Field key={key} schema={child} path={[...path, key]} value={getAt(value, [key])} required={schema.required?.includes(key) ?? false} ctx={ctx} />
  ));
}

interface FieldProps {
  schema: JsonSchema;
  path: Path;
  value: unknown;
  required: boolean;
  ctx: Context;
  /** A title that replaces the schema's (array rows). */
  label?: string;
}

function Field(props: FieldProps) {
  const { schema } = props;
  if (schema.type === 'object') return <ObjectField {...props} />;
  if (schema.type === 'array') {
    if (schema.items?.oneOf) return <ChoiceList {...props} />;
    return <ListField {...props} />;
  }
  if (schema.oneOf) return <SelectField {...props} />;
  return <InputField {...props} />;
}

function describedBy(id: string, hint: boolean, error: boolean, note: boolean): string | undefined {
  const ids = [hint && `${id}-hint`, note && `${id}-note`, error && `${id}-error`].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** A message beside its field without the field's label said again ("联系人手机号须为…" under 联系人手机号: "须为…"). */
export function besideField(title: string | undefined, message: string): string {
  return title && message.startsWith(title) && message.length > title.length ? message.slice(title.length).replace(/^[：:，,\s]+/, '') : message;
}

function Feedback({ id, errors, notes, title }: { id: string; errors?: string[]; notes?: string[]; title?: string }) {
  return (
    <>
      {notes?.length ? (
        <p class="field-note" id={`${id}-note`}>
          审批意见：{notes.join('；')}
        </p>
      ) : null}
      {errors?.length ? (
        <p class="field-error" id={`${id}-error`}>
          {errors.map((message) => besideField(title, message)).join('；')}
        </p>
      ) : null}
    </>
  );
}

function Label({ id, title, required }: { id: string; title: string; required: boolean }) {
  return (
    <label for={id}>
      {title}
      {required ? <span class="required" aria-hidden="true"> *</span> : <span class="optional">（选填）</span>}
    </label>
  );
}

function useFieldState({ schema, path, ctx, label }: FieldProps) {
  const id = fieldId(path);
  const key = issuePath(path);
  const errors = ctx.errors.get(key);
  const notes = ctx.notes.get(key);
  return { id, key, errors, notes, title: label ?? schema.title ?? String(path[path.length - 1]) };
}

function InputField(props: FieldProps) {
  const { schema, path, value, required, ctx } = props;
  const { id, errors, notes, title } = useFieldState(props);
  const numeric = schema.type === 'integer' || schema.type === 'number';
  const key = String(path[path.length - 1]);
  // A date picker shows its own format: the schema's "格式如2024-05-01" (for those who type JSON) is not said beside it.
  const hint = schema.format === 'date' && /^格式/.test(schema.description ?? '') ? undefined : schema.description;
  const common = {
    id,
    name: issuePath(path),
    required,
    'aria-required': required,
    'aria-invalid': errors ? true : undefined,
    'aria-describedby': describedBy(id, !!hint, !!errors, !!notes),
    maxLength: schema.maxLength,
  };
  const onInput = (event: TargetedEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    const text = event.currentTarget.value;
    if (!numeric) return ctx.change(path, text);
    ctx.change(path, text === '' ? undefined : Number(text));
  };
  const long = !numeric && !schema.format && (schema.maxLength ?? 0) >= 500;
  return (
    <div class={`field${long ? ' wide' : ''}${errors ? ' invalid' : ''}`}>
      <Label id={id} title={title} required={required} />
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {long ? (
        <textarea {...common} rows={5} value={(value as string | undefined) ?? ''} onInput={onInput} />
      ) : (
        <input
          {...common}
          // Preact's types pair each input type with its ARIA roles; a union of types needs the cast.
          type={inputType(schema, key) as 'text'}
          inputMode={numeric ? 'numeric' : key === 'mobile' ? 'tel' : undefined}
          autoComplete={key === 'mobile' ? 'tel' : schema.format === 'email' ? 'email' : 'off'}
          min={schema.minimum}
          max={schema.maximum}
          value={value === undefined || value === null ? '' : String(value)}
          onInput={onInput}
        />
      )}
      <Feedback id={id} errors={errors} notes={notes} title={title} />
    </div>
  );
}

function inputType(schema: JsonSchema, key: string): 'number' | 'email' | 'date' | 'tel' | 'text' {
  if (schema.type === 'integer' || schema.type === 'number') return 'number';
  if (schema.format === 'email') return 'email';
  if (schema.format === 'date') return 'date';
  return key === 'mobile' ? 'tel' : 'text';
}

function SelectField(props: FieldProps) {
  const { schema, path, value, required, ctx } = props;
  const { id, errors, notes, title } = useFieldState(props);
  return (
    <div class={`field${errors ? ' invalid' : ''}`}>
      <Label id={id} title={title} required={required} />
      <select
        id={id}
        name={issuePath(path)}
        required={required}
        aria-invalid={errors ? true : undefined}
        aria-describedby={describedBy(id, false, !!errors, !!notes)}
        value={(value as string | undefined) ?? ''}
        onChange={(event) => ctx.change(path, event.currentTarget.value || undefined)}
      >
        <option value="">请选择</option>
        {schema.oneOf!.map((option) => (
          <option key={option.const} value={option.const}>
            {option.title}
          </option>
        ))}
      </select>
      <Feedback id={id} errors={errors} notes={notes} title={title} />
    </div>
  );
}

/** A group of fields; an optional group (e.g. 所在园区) is filled in only when its box is ticked. */
function ObjectField(props: FieldProps) {
  const { schema, path, value, required, ctx } = props;
  const { id, errors, notes, title } = useFieldState(props);
  const present = value !== undefined && value !== null;
  return (
    <fieldset class={`group${errors ? ' invalid' : ''}`} id={id} aria-describedby={describedBy(id, !!schema.description, !!errors, !!notes)}>
      <legend>{title}</legend>
      {schema.description ? (
        <p class="hint" id={`${id}-hint`}>
          {schema.description}
        </p>
      ) : null}
      <Feedback id={id} errors={errors} notes={notes} title={title} />
      {required ? null : (
        <div class="check">
          <input
            type="checkbox"
            id={`${id}-present`}
            checked={present}
            onChange={(event) => ctx.change(path, event.currentTarget.checked ? emptyValue(schema) : undefined)}
          />
          <label for={`${id}-present`}>填写{title}</label>
        </div>
      )}
      {required || present ? <div class="fields">{properties(schema, path, value, ctx)}</div> : null}
    </fieldset>
  );
}

/** Rows of a repeated item (experts, supporting organisations, member associations), each removable. */
function ListField(props: FieldProps) {
  const { schema, path, value, ctx } = props;
  const { id, errors, notes, title } = useFieldState(props);
  const rows = Array.isArray(value) ? value : [];
  const item = schema.items ?? { type: 'string' };
  const itemTitle = item.title ?? '项目';
  const min = schema.minItems ?? 0;
  const max = schema.maxItems ?? Infinity;
  return (
    <fieldset class={`group list${errors ? ' invalid' : ''}`} id={id} aria-describedby={describedBy(id, !!schema.description, !!errors, !!notes)}>
      <legend>
        {title}
        {min > 0 ? <span class="required" aria-hidden="true"> *</span> : <span class="optional">（选填）</span>}
      </legend>
      {schema.description ? (
        <p class="hint" id={`${id}-hint`}>
          {schema.description}
        </p>
      ) : null}
      <Feedback id={id} errors={errors} notes={notes} title={title} />
      {rows.length === 0 ? <p class="muted">尚未添加{itemTitle}。</p> : null}
      {rows.map((row, index) => {
        const rowPath = [...path, index];
        const remove = (
          <button type="button" class="link danger" disabled={rows.length <= min} onClick={() => ctx.change(path, rows.filter((_, i) => i !== index))}>
            删除第{index + 1}项
          </button>
        );
        if (item.type === 'object') {
          return (
            <fieldset class="row" key={index} id={fieldId(rowPath)}>
              <legend>
                {itemTitle} {index + 1}
              </legend>
              <Feedback id={fieldId(rowPath)} errors={ctx.errors.get(issuePath(rowPath))} notes={ctx.notes.get(issuePath(rowPath))} />
              <div class="fields">{properties(item, rowPath, row, ctx)}</div>
              <div class="row-actions">{remove}</div>
            </fieldset>
          );
        }
        return (
          <div class="row inline" key={index}>
            <InputField schema={item} path={rowPath} value={row} required ctx={ctx} label={`${itemTitle} ${index + 1}`} />
            {remove}
          </div>
        );
      })}
      <button type="button" class="secondary" disabled={rows.length >= max} onClick={() => ctx.change(path, [...rows, emptyValue(item) ?? ''])}>
        ＋ 添加{itemTitle}
      </button>
    </fieldset>
  );
}

/** Several choices from a fixed list (服务产业): a group of check boxes. */
function ChoiceList(props: FieldProps) {
  const { schema, path, value, ctx } = props;
  const { id, errors, notes, title } = useFieldState(props);
  const chosen = new Set(Array.isArray(value) ? (value as string[]) : []);
  const options = schema.items!.oneOf!;
  return (
    <fieldset class={`group choices${errors ? ' invalid' : ''}`} id={id} aria-describedby={describedBy(id, false, !!errors, !!notes)}>
      <legend>
        {title}
        {(schema.minItems ?? 0) > 0 ? <span class="required" aria-hidden="true"> *</span> : null}
      </legend>
      <Feedback id={id} errors={errors} notes={notes} title={title} />
      <div class="choice-grid">
        {options.map((option) => (
          <div class="check" key={option.const}>
            <input
              type="checkbox"
              id={`${id}-${option.const}`}
              checked={chosen.has(option.const)}
              onChange={(event) => {
                const next = new Set(chosen);
                if (event.currentTarget.checked) next.add(option.const);
                else next.delete(option.const);
                ctx.change(path, options.map((o) => o.const).filter((c) => next.has(c)));
              }}
            />
            <label for={`${id}-${option.const}`}>{option.title}</label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

interface SchemaViewProps {
  schema: JsonSchema;
  value: unknown;
  /** API paths of fields changed by the last resubmission: marked 已修改. */
  changed?: Set<string>;
}

/** The form as a read-only record, with the fields a resubmission changed marked. */
export function SchemaView({ schema, value, changed = new Set() }: SchemaViewProps) {
  return <dl class="record">{viewProperties(schema, [], value, changed)}</dl>;
}

function isChanged(changed: Set<string>, path: Path): boolean {
  const key = issuePath(path);
  for (const c of changed) if (c === key || c.startsWith(`${key}.`)) return true;
  return false;
}

function viewProperties(schema: JsonSchema, path: Path, value: unknown, changed: Set<string>): JSX.Element[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) => {
    const here = [...path, key];
    const v = getAt(value, [key]);
    const title = child.title ?? key;
    const mark = isChanged(changed, here);
    if (child.type === 'object') {
      if (v === undefined) return [];
      return viewProperties(child, here, v, changed).map((el) => el);
    }
    return [
      <div class={`record-row${mark ? ' changed' : ''}`} key={issuePath(here)}>
        <dt>
          {title}
          {mark ? <span class="badge changed-badge">已修改</span> : null}
        </dt>
        <dd>{displayValue(child, v, here, changed)}</dd>
      </div>,
    ];
  });
}

function displayValue(schema: JsonSchema, value: unknown, path: Path, changed: Set<string>): JSX.Element | string {
  if (value === undefined || value === null || value === '') return '—';
  if (schema.oneOf) return schema.oneOf.find((o) => o.const === value)?.title ?? String(value);
  if (schema.type === 'array' && Array.isArray(value)) {
    if (value.length === 0) return '无';
    const item = schema.items ?? {};
    if (item.oneOf) return value.map((v) => item.oneOf!.find((o) => o.const === v)?.title ?? String(v)).join('、');
    if (item.type !== 'object') return value.map(String).join('、');
    return (
      <ol class="record-list">
        {value.map((row, index) => (
          <li key={index}>
            <dl class="record nested">{viewProperties(item, [...path, index], row, changed)}</dl>
          </li>
        ))}
      </ol>
    );
  }
  return String(value);
}
