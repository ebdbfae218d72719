// The progress bar a person at a terminal sees while a perf test runs: records done out of the
// total and the rate so far, redrawn in place on stderr so stdout keeps Kafka's lines. Never
// drawn in a pipe.

const WIDTH = 30;

/** One frame: `[#######.......] 35.0% 350000/1000000 records, 174873 records/s`. */
export function renderProgress(done: number, total: number, elapsedMs: number, unit: string): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * WIDTH);
  const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(fraction * 100).toFixed(1)}% ${done}/${total} ${unit}, ${rate} ${unit}/s`;
}

interface Stream {
  write(text: string): boolean;
}

export class ProgressBar {
  private timer: NodeJS.Timeout | null = null;
  private readonly started = Date.now();
  private drawn = false;

  /** `done` is read at each redraw (5 a second). */
  constructor(
    private readonly stream: Stream,
    private readonly total: number,
    private readonly unit: string,
    private readonly done: () => number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.draw(), 200);
    this.timer.unref();
  }

  private draw(): void {
    this.stream.write(`\r\x1b[K${renderProgress(this.done(), this.total, Date.now() - this.started, this.unit)}`);
    this.drawn = true;
  }

  /** Writes a line to stdout without tearing the bar: the bar is erased, the line printed, the bar redrawn. */
  printAbove(line: string, stdout: Stream): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    stdout.write(line);
    if (this.timer !== null) this.draw();
  }

  /** Erases the bar for good. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
