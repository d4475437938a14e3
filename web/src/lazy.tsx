// A page's code loaded when it is first shown (a dynamic import: its own chunk), so that the JavaScript a page needs
// first is the shell and that page, not every page. Meanwhile a loading line; a chunk that fails to arrive (a network
// gone, a deploy replaced it) says so with a reload.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Loading, Notice } from './ui';

export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const start = () => (loading ??= load().then((component) => (loaded = component)).catch((error: unknown) => {
    loading = undefined;
    throw error;
  }));
  return function Lazy(props: P) {
    const [, setRound] = useState(0);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded) return;
      let live = true;
      start().then(
        () => live && setRound((n) => n + 1),
        () => live && setFailed(true),
      );
      return () => {
        live = false;
      };
    }, []);
    if (loaded) {
      const Page = loaded;
      return <Page {...props} />;
    }
    if (failed) {
      return (
        <Notice kind="error">
          页面未能载入，请检查网络后
          <button type="button" class="link" onClick={() => location.reload()}>
            重新载入
          </button>
        </Notice>
      );
    }
    return <Loading what="页面" />;
  };
}
