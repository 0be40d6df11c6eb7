/**
 * Command lines printed for the user to run (to finish a sweep, to repeat a run): each word
 * quoted for a POSIX shell where it holds anything but plain characters, so that the line
 * works pasted as it is.
 */

/** A word as a shell reads it back: quoted when it holds anything but plain characters. */
export function shellWord(text: string): string {
  return /^[\w.,:=/+@%-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

export function shellWords(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}

/** An override's source as it was typed (`--set a=1`, `--ticks 300`), as the words of a command. */
export function flagWords(source: string): string[] {
  const space = source.indexOf(' ');
  return source.startsWith('--') && space > 0 ? [source.slice(0, space), source.slice(space + 1)] : [source];
}
