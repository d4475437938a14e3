// Opening a file through a link of a few minutes: PDFs and images previewed in the page, anything else downloaded (the
// page stays). Shared by an application's materials (web/src/materials-view.tsx) and a need's files (pages/demands.tsx).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Ref } from 'preact';
import { isPdf, previewable } from './file-text';
import { formatTime } from './labels';
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

/**
 * The file opened in the page: its name, a way to a tab of its own and to close it, how long its link lasts (`again`:
 * the button that opens it anew), the PDF in a frame or the image. `focus`: the heading takes the focus when it opens.
 */
export function FilePreview({ preview, onClose, id, again, focus = false }: { preview: { file: Openable; url: string; expiresAt: string }; onClose: () => void; id: string; again: string; focus?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) heading.current?.focus();
  }, [preview, focus]);
  return (
    <section class="material-preview" aria-labelledby={id}>
      <div class="preview-head">
        <h3 id={id} tabIndex={focus ? -1 : undefined} ref={heading as Ref<HTMLHeadingElement>}>
          预览：{preview.file.fileName}
        </h3>
        <a href={preview.url} target="_blank" rel="noopener noreferrer">
          在新窗口打开
        </a>
        <button type="button" class="link" onClick={onClose}>
          关闭预览
        </button>
      </div>
      <p class="muted">
        预览链接 {formatTime(preview.expiresAt)} 前有效，过期后请重新点击“{again}”。
      </p>
      {isPdf(preview.file.contentType) ? (
        <iframe class="preview-frame" src={preview.url} title={`预览：${preview.file.fileName}`} />
      ) : (
        <img class="preview-image" src={preview.url} alt={`预览：${preview.file.fileName}`} />
      )}
    </section>
  );
}
