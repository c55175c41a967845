/**
 * A report request that cannot be answered, with the status and the message the client
 * reads: `{"status":"error","message":…}` as seed 004 writes its errors.
 */
export class ReportError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** 400 `Missing required parameter: <name>` (seed 004's wording). */
export const missingParameter = (name: string) => new ReportError(400, `Missing required parameter: ${name}`);

/** 400 naming the parameter and what it must be. */
export const invalidParameter = (message: string) => new ReportError(400, message);

/** 401 `Unauthenticated` (seed 004's wording). */
export const unauthenticated = () => new ReportError(401, 'Unauthenticated');
