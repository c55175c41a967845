// Rules around any agent parser for what the agent cannot tell (PRODUCT.md device classes):
// - a "Macintosh" agent with maxTouchPoints > 1 is an iPad in desktop mode (Macs report 0);
// - HarmonyOS / OpenHarmony phones count as ANDROID; "(Tablet; OpenHarmony" is a tablet;
// - on Android, navigator.userAgentData.mobile === false is a tablet, true a phone;
// - Android agents with a known tablet model (Galaxy Tab SM-T/SM-X/SM-P, Lenovo TB, Huawei
//   MatePad, Xiaomi/Redmi Pad, Fire KF*, Nexus 7/9/10, Pixel Tablet) are tablets even with "Mobile".
const TABLET_MODELS = /; (SM-[TXP]\d{3}|Lenovo TB|TB-?\d{3,4}|TB\d{3}[A-Z]{2}|BAH\d|DBY|AGS\d|KRJ|MRX|SCMR|BTK|HEY|230[47]\d[A-Z0-9]{4,}|2105118|2208128|2307BRP|2409BRN|KF[A-Z]{4}|Nexus (7|9|10)|Pixel Tablet|OPD\d{4}|RMP\d{4}|TA-1397)( Build|[;)])/;

/** Wraps base(ua, hints) → device with the rules above. */
export const withHints = (base) => (ua, hints = {}) => {
  if (/Macintosh/.test(ua) && hints.maxTouchPoints > 1) return 'TABLET';
  if (/\(Tablet; OpenHarmony/.test(ua)) return 'TABLET';
  if (/\(Phone; OpenHarmony|HarmonyOS/.test(ua) && !/; (BAH|DBY|AGS|KRJ|MRX|SCMR|BTK)/.test(ua)) return 'ANDROID';
  if (/Android/.test(ua) && !/Windows Phone|KAIOS/i.test(ua)) {
    if (hints.mobile === false || TABLET_MODELS.test(ua)) return 'TABLET';
    if (hints.mobile === true) return 'ANDROID';
  }
  return base(ua, hints);
};
