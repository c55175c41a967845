/**
 * Whether the browser asks not to be tracked: Global Privacy Control
 * (navigator.globalPrivacyControl) or Do Not Track ('1' on navigator or, in old
 * Internet Explorer and Edge, on window).
 */
export const optedOut = (): boolean => {
  const n = navigator as Navigator & { globalPrivacyControl?: boolean };
  return n.globalPrivacyControl === true || n.doNotTrack === '1' || (window as { doNotTrack?: string }).doNotTrack === '1';
};
