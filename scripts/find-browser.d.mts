export const CHROMIUM_ARGS: string[];
export const HOW_TO_GET_A_BROWSER: string;
export function findBrowser(): string | undefined;
