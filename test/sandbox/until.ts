/** Resolves when `check` holds, polling; fails after `ms`, with `show()` in the message when given. */
export async function until(check: () => boolean, ms = 5000, show?: () => unknown): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`condition not reached in time${show ? ` (${JSON.stringify(show())})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
