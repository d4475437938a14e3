// Saving a draft as the applicant types (草稿自动保存): a change waits a moment for the next, then the whole draft is
// saved over the version last saved, one save at a time. A save the server refuses because the draft was saved
// elsewhere meanwhile stops the saving (nothing is overwritten) until the applicant chooses; a save that failed on
// the network is tried again.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from './api';
import type { DraftSnapshot } from './application-form';
import type { Draft, Issue } from './types';
import { messageOf } from './ui';

export type DraftState =
  | { phase: 'idle' }
  | { phase: 'saving' }
  | { phase: 'saved'; at: string; dropped?: Issue[] }
  | { phase: 'failed'; message: string }
  | { phase: 'stale'; message: string };

/** How long typing may pause before the draft is saved. */
const SAVE_AFTER_MS = 1200;
const RETRY_AFTER_MS = 8000;

export function useDraftAutosave(type: string, loaded: Draft | undefined) {
  const [state, setState] = useState<DraftState>(loaded ? { phase: 'saved', at: loaded.updatedAt, dropped: loaded.dropped } : { phase: 'idle' });
  const draft = useRef<{ id?: string; version: number }>({ id: loaded?.id, version: loaded?.version ?? 0 });
  const pending = useRef<DraftSnapshot | undefined>(undefined);
  /** What the page holds now, saved or not. */
  const latest = useRef<DraftSnapshot | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const running = useRef<Promise<void> | undefined>(undefined);
  const stopped = useRef(false);

  const schedule = (ms: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), ms);
  };

  async function flush(): Promise<void> {
    clearTimeout(timer.current);
    while (running.current) await running.current;
    const snapshot = pending.current;
    if (!snapshot || stopped.current) return;
    pending.current = undefined;
    setState({ phase: 'saving' });
    running.current = (async () => {
      try {
        const { id, version } = draft.current;
        const saved = id ? await api.saveDraft(id, { version, ...snapshot }) : await api.createDraft({ type, ...snapshot });
        if (!id) {
          // The address now names the draft, so a reload resumes it (without the router: the page stays as it is).
          history.replaceState(history.state, '', `/apply/${encodeURIComponent(type)}?draft=${encodeURIComponent(saved.id)}`);
        }
        draft.current = { id: saved.id, version: saved.version };
        setState({ phase: 'saved', at: saved.updatedAt, dropped: saved.dropped });
      } catch (error) {
        if (error instanceof ApiError && (error.status === 409 || error.status === 404) && draft.current.id) {
          stopped.current = true;
          setState({ phase: 'stale', message: error.message });
        } else if (error instanceof ApiError && error.status === 409) {
          // No draft yet and none can be made (the organisation's limit): the form still works, unsaved.
          stopped.current = true;
          setState({ phase: 'failed', message: error.message });
        } else {
          pending.current ??= snapshot;
          setState({ phase: 'failed', message: `草稿未能保存（${messageOf(error)}），稍后自动重试` });
          schedule(RETRY_AFTER_MS);
        }
      } finally {
        running.current = undefined;
      }
    })();
    await running.current;
  }

  useEffect(() => {
    // Leaving the page (another tab, the app switcher on a phone, closing it): what is pending is sent at once.
    const hide = () => void flush();
    addEventListener('pagehide', hide);
    return () => {
      removeEventListener('pagehide', hide);
      void flush();
    };
  }, []);

  return {
    state,
    id: () => draft.current.id,
    /** A change of the form: saved once typing pauses. */
    change(snapshot: DraftSnapshot) {
      latest.current = snapshot;
      if (stopped.current) return;
      pending.current = snapshot;
      schedule(SAVE_AFTER_MS);
    },
    /** Submitting: nothing more is saved (what was typed goes in the submission); the draft is deleted once it succeeded. */
    async stop() {
      clearTimeout(timer.current);
      pending.current = undefined;
      stopped.current = true;
      while (running.current) await running.current;
    },
    resume() {
      stopped.current = false;
    },
    /** Another page saved the draft meanwhile: keep what this page holds as a new draft instead. */
    saveAsNew() {
      draft.current = { version: 0 };
      stopped.current = false;
      pending.current = latest.current;
      void flush();
    },
  };
}

export type DraftAutosave = ReturnType<typeof useDraftAutosave>;
