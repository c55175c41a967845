/**
 * Calls `onChange` with the new address after every SPA navigation: history.pushState,
 * history.replaceState and popstate. The address is read at the navigation and the call is
 * deferred, so the page's router sets its title first. The callback decides whether the
 * URL really changed.
 */
export function watchHistory(onChange: (href: string) => void): void {
  const h = history;
  (['pushState', 'replaceState'] as const).forEach((m) => {
    const original = h[m];
    h[m] = function (this: History, ...args: Parameters<History['pushState']>) {
      // The page's own call keeps its behaviour (and its exceptions); ours never throws.
      const result = original.apply(this, args);
      const href = location.href;
      setTimeout(() => onChange(href));
      return result;
    };
  });
  addEventListener('popstate', () => {
    const href = location.href;
    setTimeout(() => onChange(href));
  });
}
