// City → county → township → village, one select per level, each fed by GET /v1/regions/{code}.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { regionLevelLabel } from './labels';
import type { RegionLevel } from './types';

const levels: { level: RegionLevel; digits: number }[] = [
  { level: 'city', digits: 4 },
  { level: 'county', digits: 6 },
  { level: 'township', digits: 9 },
  { level: 'village', digits: 12 },
];

interface RegionPickerProps {
  id: string;
  legend: string;
  /** The chosen code ('' for none): the deepest level chosen. */
  value: string;
  onChange: (code: string) => void;
  /** The deepest level offered. */
  deepest: RegionLevel;
  hint?: string;
  errors?: string[];
  required?: boolean;
}

function useChildren(parent: string | null) {
  const [state, setState] = useState<{ parent: string | null; items: { code: string; name: string }[]; failed: boolean }>({
    parent: null,
    items: [],
    failed: false,
  });
  useEffect(() => {
    if (!parent) return;
    let live = true;
    api.region(parent).then(
      (region) => live && setState({ parent, items: region.children, failed: false }),
      () => live && setState({ parent, items: [], failed: true }),
    );
    return () => {
      live = false;
    };
  }, [parent]);
  return state.parent === parent ? state : { parent, items: [], failed: false };
}

function LevelSelect(props: {
  id: string;
  level: RegionLevel;
  parent: string | null;
  value: string;
  onPick: (code: string) => void;
  describedBy?: string;
  invalid: boolean;
}) {
  const { items, failed } = useChildren(props.parent);
  const { onPick, value, parent } = props;
  // 东莞市 and 中山市 have one pseudo-county: choose it for the user.
  useEffect(() => {
    if (props.level === 'county' && items.length === 1 && !value) onPick(items[0]!.code);
  }, [items, value, onPick, props.level]);
  const disabled = !parent || items.length === 0;
  return (
    <div class="field">
      <label for={props.id}>{regionLevelLabel[props.level]}</label>
      <select
        id={props.id}
        value={value}
        disabled={disabled}
        aria-invalid={props.invalid || undefined}
        aria-describedby={props.describedBy}
        onChange={(event) => onPick(event.currentTarget.value)}
      >
        <option value="">{failed ? '加载失败，请刷新' : !parent ? '请先选择上一级' : '请选择'}</option>
        {items.map((item) => (
          <option key={item.code} value={item.code}>
            {item.name}
          </option>
        ))}
      </select>
    </div>
  );
}

export function RegionPicker({ id, legend, value, onChange, deepest, hint, errors, required }: RegionPickerProps) {
  const shown = levels.slice(0, levels.findIndex((l) => l.level === deepest) + 1);
  const describedBy = [hint && `${id}-hint`, errors?.length && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class={`group region-picker${errors?.length ? ' invalid' : ''}`} id={id}>
      <legend>
        {legend}
        {required ? <span class="required" aria-hidden="true"> *</span> : <span class="optional">（选填）</span>}
      </legend>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p class="field-error" id={`${id}-error`}>
          {errors.join('；')}
        </p>
      ) : null}
      <div class="fields">
        {shown.map(({ level, digits }, index) => {
          const parent = index === 0 ? '44' : value.length >= shown[index - 1]!.digits ? value.slice(0, shown[index - 1]!.digits) : null;
          const own = value.length >= digits ? value.slice(0, digits) : '';
          return (
            <LevelSelect
              key={level}
              id={`${id}-${level}`}
              level={level}
              parent={parent}
              value={own}
              invalid={!!errors?.length}
              describedBy={describedBy}
              onPick={(code) => onChange(code || (parent === '44' ? '' : (parent ?? '')))}
            />
          );
        })}
      </div>
    </fieldset>
  );
}
