// Every type an application may be, by name, without the catalogue's schemas: the inbox's filter and cards. Its own
// module: only the inbox needs it (the shared labels stay small for every page).
import { applicationTypes, typeBasics } from '#forms/entry.js';
import { processNames } from '#functions/domain/process.js';

/**
 * The catalogue's nine and the processes after approval. What the lists'
 * type filter and the task cards show, without reading the forms (their JSON Schemas) or the OpenAPI document.
 */
export const typeOptions: { type: string; name: string }[] = [
  ...applicationTypes.map((type) => ({ type, name: typeBasics[type].name })),
  ...Object.entries(processNames).map(([type, name]) => ({ type, name })),
];

export const typeName = (type: string) => typeOptions.find((t) => t.type === type)?.name ?? type;
