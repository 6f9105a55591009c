/**
 * One CSV field (RFC 4180). Fields that a spreadsheet would run as a formula (=, +, -, @, tab,
 * carriage return at the start) get a leading apostrophe: gaps carry users' own words.
 */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: Array<string | number>): string {
  return values.map(csvField).join(',');
}
