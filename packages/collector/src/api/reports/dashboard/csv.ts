/**
 * A table's rows as CSV (RFC 4180): a header line of the field names, then one line per
 * row, CRLF-separated; a field is quoted when it holds a comma, a quote or a line break.
 * Text that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
 * carriage return) gets a leading apostrophe (OWASP's advice on CSV injection); numbers
 * are written as they are.
 */
export function toCsv(rows: Record<string, unknown>[], fields = Object.keys(rows[0] ?? {})): string {
  const cell = (v: unknown) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [fields.map(cell), ...rows.map((r) => fields.map((f) => cell(r[f])))].map((line) => line.join(',')).join('\r\n') + '\r\n';
}
