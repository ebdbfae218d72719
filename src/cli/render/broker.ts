// What the broker and storage commands print with --output json.

/**
 * `tk broker N ready on NAME://HOST:PORT` (or `tk controller N …` for a dedicated controller) as
 * `{"nodeId":N,"listener":"NAME://HOST:PORT"}`.
 */
export function readyJson(readyLine: string): string {
  const match = /^tk (?:broker|controller) (\d+) ready on (\S+)$/.exec(readyLine);
  if (match === null) throw new Error(`not a ready line: ${readyLine}`);
  return `${JSON.stringify({ nodeId: Number(match[1]), listener: match[2] })}\n`;
}
