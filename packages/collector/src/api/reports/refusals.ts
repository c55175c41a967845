import { refuse } from '../../http/errors.js';

/** MISSING_PARAMETER: 400 `Missing required parameter: <name>` (the funnel report's wording). */
export const missingParameter = (name: string) => refuse('MISSING_PARAMETER', `Missing required parameter: ${name}`);

/** INVALID_REQUEST: 400 naming the parameter and what it must be. */
export const invalidParameter = (message: string) => refuse('INVALID_REQUEST', message);

/** UNAUTHENTICATED: 401 `Unauthenticated` (the funnel report's wording). */
export const unauthenticated = () => refuse('UNAUTHENTICATED');
