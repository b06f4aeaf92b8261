/** Dates and times as the message thread shows them, in the browser's locale. */

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const dayWithYearFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

/** A key that is the same for two dates on the same local day. */
export function dayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

export function formatTime(date: Date): string {
  return timeFormat.format(date);
}

/** "Today", "Yesterday", the weekday and date this year, or the full date. */
export function formatDay(date: Date, strings: { today: string; yesterday: string }, now = new Date()): string {
  if (dayKey(date) === dayKey(now)) return strings.today;
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(date) === dayKey(yesterday)) return strings.yesterday;
  return date.getFullYear() === now.getFullYear() ? dayFormat.format(date) : dayWithYearFormat.format(date);
}

/** "Alice", "Alice and Bob", "Alice, Bob and Carol" (with the given conjunction). */
export function joinNames(names: readonly string[], and: string): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} ${and} ${names[names.length - 1]}`;
}
