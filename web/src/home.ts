// Where each kind of user starts.
import type { Role } from './types';

export function homeFor(role: Role): string {
  if (role === 'official') return '/inbox';
  if (role === 'admin') return '/registry';
  if (role === 'village') return '/demands';
  return '/applications';
}
