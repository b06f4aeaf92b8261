// What every benchmark page needs: a signed-in demo user, and a tight poll (2 ms, so the poll itself
// adds next to nothing to a measured span; the bench runner bounds every suite in time).

/** A new user with a chat and voip token, from the demo's token route (the page's own origin). */
export async function demoUser(): Promise<{ userId: string; token: string }> {
  const response = await fetch('/demo/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const body = (await response.json()) as { user: { communicationUserId: string }; token: string };
  return { userId: body.user.communicationUserId, token: body.token };
}

/** Resolves once `check` holds, polling every 2 ms. */
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 2));
}
