// The workflow definition as the engine reads it: its Task states' resources and timeouts, and the form of it that
// aws-local-stepfunctions runs.
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { StateError } from './errors.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type TaskDefinition = { Type: 'Task'; Resource: string; TimeoutSeconds?: number; TimeoutSecondsPath?: string };

/** What the library passes as `$$.Task.Token`: the engine puts the callback task's real token in its place. */
export const TOKEN_PLACEHOLDER = '__local_task_token__';
/** Longest delay a Node timer can hold (about 24.8 days). */
export const MAX_TIMER_SECONDS = 2_147_483;

export type Resource = { kind: 'callback' | 'sdk'; service: string; action: string } | { kind: 'lambda' };

export function parseResource(resource: string): Resource {
  const sdk = /^arn:[\w-]+:states:::aws-sdk:(\w+):(\w+)(\.waitForTaskToken)?$/.exec(resource);
  if (sdk) return { kind: sdk[3] ? 'callback' : 'sdk', service: sdk[1], action: sdk[2] };
  if (/^arn:[\w-]+:states:::lambda:invoke$/.test(resource)) return { kind: 'lambda' };
  throw new StateError('States.Runtime', `local engine cannot run resource ${resource}`);
}

/** The definition's Task states, by name. */
export function taskStates(definition: StateMachineDefinition): [string, TaskDefinition][] {
  return Object.entries(definition.States).flatMap(([name, state]) => (state.Type === 'Task' ? [[name, state as TaskDefinition] as [string, TaskDefinition]] : []));
}

/** The definition as the library runs it: callback tasks' timeouts are the engine's to keep (durably). */
export function localDefinition(definition: StateMachineDefinition): StateMachineDefinition {
  const states = Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => {
      if (state.Type !== 'Task' || !state.Resource.endsWith('.waitForTaskToken')) return [name, state];
      const { TimeoutSecondsPath: _path, ...rest } = state as TaskDefinition;
      return [name, { ...rest, TimeoutSeconds: MAX_TIMER_SECONDS }];
    }),
  );
  return { ...definition, States: states } as StateMachineDefinition;
}

export function timeoutSecondsOf(state: TaskDefinition, rawInput: Json): number {
  if (state.TimeoutSecondsPath) {
    const value = state.TimeoutSecondsPath.replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean)
      .reduce<Json | undefined>((at, key) => (at && typeof at === 'object' && !Array.isArray(at) ? at[key] : undefined), rawInput);
    if (typeof value !== 'number' || value < 1) throw new StateError('States.Runtime', `${state.TimeoutSecondsPath} is not a positive number`);
    return value;
  }
  return state.TimeoutSeconds ?? 99_999_999;
}

/** `value` with the library's token placeholder replaced by the callback task's real token. */
export function replaceToken(value: Json, token: string): Json {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((v) => replaceToken(v, token));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceToken(v, token)]));
  return value;
}
