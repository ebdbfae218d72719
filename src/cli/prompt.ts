// Confirmation before destructive actions. Only on a terminal (stdin and stdout), never in a pipe,
// where a script cannot answer; commands skip it with --yes. The inquirer module is loaded only
// when a question is actually asked.

/** Whether a person can be asked: both stdin and stdout are terminals. */
export function canPrompt(stdin: { isTTY?: boolean } = process.stdin, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return stdin.isTTY === true && stdout.isTTY === true;
}

/** Asks a yes/no question, default No. Ctrl-C (or a closed terminal) answers No. */
export async function confirm(message: string): Promise<boolean> {
  const { confirm: ask } = await import('@inquirer/prompts');
  try {
    return await ask({ message, default: false });
  } catch (err) {
    // inquirer rejects with ExitPromptError on Ctrl-C and when the terminal goes away.
    if (err instanceof Error && err.name === 'ExitPromptError') return false;
    throw err;
  }
}
