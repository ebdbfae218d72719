// Java's String.split(regex): no capture groups in the result, no leading empty piece for a
// zero-width match at the start, and trailing empty pieces dropped.

/** Splits as Java's `text.split(pattern)`; a pattern JavaScript cannot compile throws a SyntaxError. */
export function javaSplit(text: string, pattern: string): string[] {
  const re = new RegExp(pattern, 'g');
  const pieces: string[] = [];
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const end = m.index + m[0].length;
    if (m[0].length === 0) {
      re.lastIndex++;
      if (m.index === 0 || m.index >= text.length) continue;
    }
    pieces.push(text.slice(last, m.index));
    last = end;
  }
  pieces.push(text.slice(last));
  while (pieces.length > 0 && pieces[pieces.length - 1] === '') pieces.pop();
  return pieces;
}
