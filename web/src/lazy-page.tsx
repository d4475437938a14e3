// A page (or a part of one) whose code is fetched when it is first shown, not with the first JS (every page but the
// sign-in; the decision panel on an application's page).
import { h, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice, Loading } from './ui';

/** `what`: what the loading line names while the code comes (a page, or a part of one). */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>, what = '页面'): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  return function LazyPage(props: P) {
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
    return error ? <ErrorNotice error={error} /> : <Loading what={what} />;
  };
}
