import { CollectorError } from '../http/errors.js';

/** A configuration problem, told in one line that names the key at fault (BAD_CONFIG: it stops the start). */
export class ConfigError extends CollectorError {
  override name = 'ConfigError';
  constructor(message: string) {
    super('BAD_CONFIG', message);
  }
}
