/** Small DOM helpers: elements made with attributes and children, never through innerHTML. */

type Child = Node | string | number | null | undefined | false;

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill<E extends Element>(e: E, attrs: Record<string, string | number | undefined>, children: Child[]): E {
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === 'number' ? String(c) : c);
  return e;
}

/** An HTML element. */
export const h = (tag: string, attrs: Record<string, string | number | undefined> = {}, ...children: Child[]) =>
  fill(document.createElement(tag), attrs, children);

/** An SVG element. */
export const s = (tag: string, attrs: Record<string, string | number | undefined> = {}, ...children: Child[]) =>
  fill(document.createElementNS(SVG_NS, tag), attrs, children);

/** The element with this id (the page has every one the script asks for). */
export const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
