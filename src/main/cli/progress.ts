/**
 * A progress line on stderr for long commands: `n/total` (or `n` when the total is unknown) and the
 * rate so far. On a terminal it rewrites one line; elsewhere (logs, CI) it prints a line every few
 * seconds. stdout stays for results.
 */
export class Progress {
  private done = 0;
  private readonly started = Date.now();
  private lastPrint = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly unit: string,
    private total?: number,
  ) {}

  setTotal(total: number): void {
    this.total = total;
  }

  add(n = 1): void {
    this.set(this.done + n);
  }

  /** For work that reports its own count. */
  set(done: number): void {
    this.done = done;
    const now = Date.now();
    if (now - this.lastPrint >= (this.tty ? 200 : 5000)) {
      this.lastPrint = now;
      this.print(false);
    }
  }

  /** The closing line: how many, how long, how fast. */
  finish(): void {
    this.print(true);
  }

  private line(): string {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const count = this.total === undefined ? `${this.done}` : `${this.done}/${this.total}`;
    return `${count} ${this.unit}, ${(this.done / seconds).toFixed(0)} ${this.unit}/s, ${seconds.toFixed(1)} s`;
  }

  private print(last: boolean): void {
    if (this.tty) process.stderr.write(`\r${this.line()}${last ? '\n' : ''}`);
    else process.stderr.write(`${this.line()}\n`);
  }
}
