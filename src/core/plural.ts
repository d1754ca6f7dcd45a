/** `1 file`, `2 files`; `plural(n, "file is", "files are")` where the plural is not the word + s. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
