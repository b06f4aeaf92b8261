/**
 * Overridable strings. Each component has a default string table; a page passes a partial table as
 * the `strings` property (to translate or reword), and `{name}` placeholders are filled in by
 * `format`.
 */
export function mergeStrings<T extends Record<string, string>>(defaults: T, overrides: Partial<T> | undefined): T {
  return overrides ? { ...defaults, ...overrides } : defaults;
}

export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => (key in values ? String(values[key]) : match));
}

/** An English ordinal ("1st", "2nd", "3rd", "4th", "11th", "22nd"); a page with other words overrides the template using `{order}`. */
export function ordinal(n: number): string {
  const suffix = { one: 'st', two: 'nd', few: 'rd', other: 'th', zero: 'th', many: 'th' }[
    new Intl.PluralRules('en', { type: 'ordinal' }).select(n)
  ];
  return `${n}${suffix}`;
}
