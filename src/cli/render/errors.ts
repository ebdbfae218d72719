// How failures read on stderr: one line a person understands.

/**
 * The line a failed connection becomes: which address, why, and how to start a broker.
 * `message` is a ConnectionError's message from src/client, `address` the addresses it names.
 */
export function connectionErrorLine(message: string, address: string): string {
  const reasons = new Set<string>();
  for (const m of message.matchAll(/cannot connect to \S+?: ([^;()]+?)(?=; |\)|$)/g)) reasons.add(m[1]!.trim());
  if (/timed out/.test(message)) reasons.add('timed out');
  if (reasons.size === 0) return message;
  return `cannot connect to ${address} (${[...reasons].join('; ')}). Is a broker running? Start one with: tk broker start`;
}
