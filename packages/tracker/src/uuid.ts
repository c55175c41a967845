/**
 * A random (version 4) UUID. crypto.randomUUID exists only in secure contexts, so this
 * builds one from crypto.getRandomValues, which works on plain http pages too.
 */
export const uuid = (): string =>
  '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
    (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+c / 4)))).toString(16),
  );
