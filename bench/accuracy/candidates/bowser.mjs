// bowser (MIT).
import { lib } from './lib.mjs';
import { withHints } from './device-rules.mjs';

const Bowser = (await lib('bowser')).default;
const base = (ua) => {
  const r = Bowser.parse(ua);
  const type = r.platform?.type, os = r.os?.name;
  if (type === 'tablet') return 'TABLET';
  if (type === 'mobile') return os === 'iOS' ? 'IOS' : os === 'Android' ? 'ANDROID' : 'MOBILE';
  return 'PC';
};
export const name = 'bowser' + (process.env.DEVICE_HINTS ? ' + hints' : '');
export const device = process.env.DEVICE_HINTS ? withHints(base) : base;
