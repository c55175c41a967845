import type { IResult } from 'ua-parser-js';

/**
 * What a browser can tell of its device that its user agent does not (the event API's
 * optional `hints`, which the tracker sends): `navigator.userAgentData.mobile` and
 * `.platform` where the browser has them (Chromium), and `navigator.maxTouchPoints`.
 */
export interface DeviceHints {
  mobile?: boolean;
  platform?: string;
  maxTouchPoints?: number;
}

/**
 * Android tablets by model, for the agents that carry "Mobile" all the same (in-app
 * browsers, some makers' builds): Galaxy Tab (SM-T, SM-X, SM-P), Lenovo Tab (TB-…),
 * Huawei MatePad and MediaPad (BAH, DBY, AGS, KRJ, MRX, SCMR, BTK), Honor Pad (HEY),
 * Xiaomi and Redmi Pads (model codes with "RP", and the older 21051182, 22081281/3,
 * 2409BRN), OnePlus Pad (OPD), Realme Pad (RMP), Nokia T20 (TA-1397), Nexus 7/9/10,
 * Pixel Tablet.
 */
const TABLET_MODEL =
  /; (SM-[TXP]\d{3}|Lenovo ?TB|TB-?[A-Z]?\d{3,4}|BAH\d|DBY|AGS\d|KRJ|MRX|SCMR|BTK|HEY2?-|\d{4}[A-Z\d]?RP[A-Z\d]|21051182|2208128[13]|2409BRN|OPD\d{4}|RMP\d{4}|TA-1397|Nexus (?:7|9|10)|Pixel Tablet)[\w-]*(?: Build|[;)])/;
/** Huawei tablets on HarmonyOS, which otherwise pass for its phones. */
const HARMONY_TABLET = /\(Tablet; OpenHarmony|; (BAH|DBY|AGS|KRJ|MRX|SCMR|BTK)\d?-/;

/**
 * The event API's device (PC, TABLET, MOBILE, ANDROID, IOS) of a parsed user agent, with
 * what the agent alone gets wrong put right:
 * - iPads in desktop mode send a Mac's agent, but a Mac has no touch screen;
 * - Chrome on large Android tablets asks for desktop sites with a Linux agent, but still
 *   names its platform Android;
 * - Android tablets whose agent carries "Mobile" are told by their model, or by Chrome's
 *   own `mobile` hint;
 * - HarmonyOS phones count as Android phones; KaiOS and J2ME phones as other phones.
 */
export function deviceOf(r: IResult, hints: DeviceHints = {}): string {
  const ua = r.ua;
  const os = r.os.name;
  const type = r.device.type;
  if (/Macintosh/.test(ua) && hints.maxTouchPoints! > 1) return 'TABLET';
  if (/KAIOS|J2ME|MIDP/i.test(ua)) return 'MOBILE';
  if (os === 'HarmonyOS' || os === 'OpenHarmony' || /OpenHarmony/.test(ua)) return HARMONY_TABLET.test(ua) || type === 'tablet' ? 'TABLET' : 'ANDROID';
  if (os === 'Android') {
    if (hints.mobile === false || TABLET_MODEL.test(ua)) return 'TABLET';
    if (hints.mobile) return 'ANDROID';
  } else if (hints.platform === 'Android' && !type) return 'TABLET';
  return type === 'tablet' ? 'TABLET' : type === 'mobile' ? (os === 'iOS' ? 'IOS' : os === 'Android' ? 'ANDROID' : 'MOBILE') : 'PC';
}
