// What the demand library's pages (the list and a need's page, the form) tell from the session and the API's errors.
import { ApiError } from './api';
import type { Session } from './auth';
import type { Issue } from './types';

/** A township's or county's office: posts needs in its region and confirms its villages' needs. */
export const isPostingOffice = (session: Session) => session.claims.role === 'official' && (session.claims.level === 'township' || session.claims.level === 'county');
/** Whether the caller posts needs: such an office, or a village account (村委会) for its own village. */
export const mayPost = (session: Session) => isPostingOffice(session) || session.claims.role === 'village';

/** The API's problems by their path (one message each). */
export const issuesByPath = (error: unknown): Record<string, string> =>
  error instanceof ApiError ? Object.fromEntries(error.issues.map((issue: Issue) => [issue.path ?? '', issue.message])) : {};
