/** Base64 helpers that work the same in browsers and in Node (no `Buffer`). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Decodes standard or URL-safe base64; throws `TypeError` on anything else. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const normalised = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalised)) throw new TypeError('Invalid base64 text.');
  const padded = normalised.padEnd(normalised.length + ((4 - (normalised.length % 4)) % 4), '=');
  let binary: string;
  try {
    binary = atob(padded);
  } catch (cause) {
    throw new TypeError('Invalid base64 text.', { cause });
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
