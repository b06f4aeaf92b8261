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
