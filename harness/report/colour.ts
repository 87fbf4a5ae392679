// Colour only for a person at a terminal: plain text when the output is a file or a pipe, or when
// NO_COLOR is set (https://no-color.org). Shared by the test summary and `npm run kata`.

export interface Palette {
  enabled: boolean;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function palette(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): Palette {
  const enabled = Boolean(stream.isTTY) && !env.NO_COLOR;
  const paint = (code: number) => (text: string) => (enabled ? `\x1b[${code}m${text}\x1b[0m` : text);
  return {
    enabled,
    green: paint(32),
    red: paint(31),
    yellow: paint(33),
    cyan: paint(36),
    dim: paint(2),
    bold: paint(1),
  };
}
