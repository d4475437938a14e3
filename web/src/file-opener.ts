// Opening a file through a link of a few minutes: PDFs and images previewed in the page, anything else downloaded (the
// page stays). Shared by an application's materials (web/src/materials-view.tsx) and a need's files (pages/demands.tsx).
import { useState } from 'preact/hooks';
import { previewable } from './file-text';
import { messageOf } from './ui';

interface Openable {
  id: string;
  fileName: string;
  contentType: string;
}

export function useFileOpener<F extends Openable>(linkOf: (file: F) => Promise<{ url: string; expiresAt: string }>) {
  const [preview, setPreview] = useState<{ file: F; url: string; expiresAt: string }>();
  const [opening, setOpening] = useState<string>();
  const [error, setError] = useState<string>();
  const open = async (file: F) => {
    setOpening(file.id);
    setError(undefined);
    try {
      const link = await linkOf(file);
      if (previewable(file.contentType)) setPreview({ file, ...link });
      // Anything else is sent as an attachment: the browser downloads it and the page stays.
      else window.location.assign(link.url);
    } catch (e) {
      setError(`无法打开“${file.fileName}”：${messageOf(e)}`);
    } finally {
      setOpening(undefined);
    }
  };
  return { preview, close: () => setPreview(undefined), opening, error, open };
}
