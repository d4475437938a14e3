// A page whose code is fetched when it is first shown, not with the first JS (the dashboard's and the gaps' pages, with
// their tables and their map).
import { h, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice, Loading } from './ui';

/** A lazy page; `preload` starts fetching its code before it is rendered (the first page, while the shell starts). */
export type LazyPage<P> = ComponentType<P> & { preload: () => void };

export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): LazyPage<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const page = function LazyPage(props: P) {
    const [, setShown] = useState(0);
    const [error, setError] = useState<unknown>();
    useEffect(() => {
      if (loaded) return;
      let live = true;
      (loading ??= load()).then(
        (page) => {
          loaded = page;
          if (live) setShown((n) => n + 1);
        },
        (failure: unknown) => {
          loading = undefined;
          if (live) setError(failure);
        },
      );
      return () => {
        live = false;
      };
    }, []);
    if (loaded) return h(loaded, props);
    return error ? <ErrorNotice error={error} /> : <Loading what="页面" />;
  } as LazyPage<P>;
  page.preload = () => {
    if (loaded || loading) return;
    loading = load().then(
      (component) => (loaded = component),
      (failure: unknown) => {
        loading = undefined;
        throw failure;
      },
    );
    // A failure is told when the page renders and asks again.
    loading.catch(() => undefined);
  };
  return page;
}
