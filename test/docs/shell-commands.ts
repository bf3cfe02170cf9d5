/** Pulls the commands out of the shell code blocks of markdown files. */

export interface DocCommand {
  file: string;
  /** The line as written (continuations joined), for messages. */
  line: string;
  /** The command's words after env assignments and `sudo` are taken off. */
  words: string[];
}

const SHELL_BLOCK = /^```(sh|bash|shell|console)\s*\n([\s\S]*?)^```/gm;

/** The code blocks in `markdown` whose info string is one of `languages`. */
export function codeBlocks(markdown: string, languages: RegExp): string[] {
  const blocks: string[] = [];
  for (const match of markdown.matchAll(/^```([\w-]*)\s*\n([\s\S]*?)^```/gm)) {
    if (languages.test(match[1] ?? '')) blocks.push(match[2] ?? '');
  }
  return blocks;
}

export function shellCommands(file: string, markdown: string): DocCommand[] {
  const commands: DocCommand[] = [];
  for (const match of markdown.matchAll(SHELL_BLOCK)) {
    const lines = (match[2] ?? '').replace(/\\\n\s*/g, ' ').split('\n');
    for (const raw of lines) {
      const line = stripComment(raw.replace(/^\s*\$\s+/, '')).trim();
      if (line === '') continue;
      for (const part of splitOutsideQuotes(line, /&&|;|\|\|/)) {
        const words = wordsOf(part);
        if (words.length > 0) commands.push({ file, line, words });
      }
    }
  }
  return commands;
}

/** Drops a `# comment` that starts a line or follows whitespace, outside quotes. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return line.slice(0, i);
    }
  }
  return line;
}

function splitOutsideQuotes(line: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      continue;
    }
    const rest = line.slice(i);
    const found = new RegExp(`^(?:${separator.source})`).exec(rest);
    if (found) {
      parts.push(line.slice(start, i));
      i += found[0].length - 1;
      start = i + 1;
    }
  }
  parts.push(line.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** Shell words (quotes removed), without leading `VAR=value` and `sudo [-u user]`. */
function wordsOf(command: string): string[] {
  const words = [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
  while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) words.shift();
  if (words[0] === 'sudo') {
    const options = words[1] === '-u' ? 3 : 1;
    words.splice(0, options);
  }
  return words;
}
