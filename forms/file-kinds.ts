// The file kinds a material may take, by the MIME type the catalogue names them with. Apart from the lists
// (forms/materials.ts) so that the web pages take these few names without every type's list.
export const fileKinds = {
  pdf: { mime: 'application/pdf', label: 'PDF' },
  jpeg: { mime: 'image/jpeg', label: 'JPEG' },
  png: { mime: 'image/png', label: 'PNG' },
  // GB/T 33190 版式文档: a ZIP whose root holds OFD.xml (functions/domain/file-check.ts checks that much).
  ofd: { mime: 'application/ofd', label: 'OFD' },
} as const;

export type FileKind = keyof typeof fileKinds;
export type MaterialMime = (typeof fileKinds)[FileKind]['mime'];
