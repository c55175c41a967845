// device-detector-js (LGPL-3.0; a port of Matomo's device-detector). DEVICE_HINTS=1 adds the
// tracker's hints (see device-rules.mjs).
import { lib } from './lib.mjs';
import { withHints } from './device-rules.mjs';

const DeviceDetector = (await lib('device-detector-js')).default;
const dd = new DeviceDetector();
const PHONES = new Set(['smartphone', 'phablet', 'feature phone']);
const base = (ua) => {
  const r = dd.parse(ua);
  const type = r.device?.type, os = r.os?.name;
  if (type === 'tablet') return 'TABLET';
  if (PHONES.has(type)) return os === 'iOS' ? 'IOS' : os === 'Android' || os === 'HarmonyOS' ? 'ANDROID' : 'MOBILE';
  return 'PC';
};
export const name = 'device-detector-js' + (process.env.DEVICE_HINTS ? ' + hints' : '');
export const device = process.env.DEVICE_HINTS ? withHints(base) : base;
export const isBot = (ua) => !ua || dd.parse(ua).bot != null;
