// ua-parser-js: UAP=1 for v1 (MIT, what the collector has now, uncached here) or the v2
// installed as "uap2" (AGPL-3.0-or-later), which also reads client hints as headers.
import { lib } from './lib.mjs';
import { withHints } from './device-rules.mjs';

const v2 = process.env.UAP !== '1';
const { UAParser } = await lib(v2 ? 'uap2' : 'ua-parser-js');
const base = (ua, hints) => {
  const headers = { 'user-agent': ua };
  if (v2 && hints?.mobile != null) headers['sec-ch-ua-mobile'] = hints.mobile ? '?1' : '?0';
  if (v2 && hints?.platform) headers['sec-ch-ua-platform'] = `"${hints.platform}"`;
  let r = v2 ? new UAParser(headers).getResult() : new UAParser(ua).getResult();
  if (v2 && (hints?.mobile != null || hints?.platform)) r = r.withClientHints();
  const type = r.device.type, os = r.os.name;
  if (type === 'tablet') return 'TABLET';
  if (type === 'mobile') return os === 'iOS' ? 'IOS' : os === 'Android' || os === 'HarmonyOS' ? 'ANDROID' : 'MOBILE';
  return 'PC';
};
export const name = (v2 ? 'ua-parser-js 2' : 'ua-parser-js 1') + (process.env.DEVICE_HINTS ? ' + hints' : '');
export const device = process.env.DEVICE_HINTS ? withHints(base) : base;
