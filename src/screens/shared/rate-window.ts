/**
 * Messages per second over the last `windowMs` of samples of two growing counters. A one-second
 * sample jumps with every burst (17/s, then 81/s a moment later); a window of a few seconds shows
 * the rate a person can read.
 */
export class RateWindow {
  private samples: { at: number; a: number; b: number }[] = [];

  constructor(private readonly windowMs = 5000) {}

  /** Adds a sample and returns the rates over the window (0 until two samples are in). */
  push(at: number, a: number, b: number): { a: number; b: number } {
    this.samples.push({ at, a, b });
    // Keep the newest sample at or before the window's start, so the span covers the whole window.
    while (this.samples.length > 2 && this.samples[1]!.at <= at - this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const secs = (at - first.at) / 1000;
    if (secs <= 0) return { a: 0, b: 0 };
    return { a: (a - first.a) / secs, b: (b - first.b) / secs };
  }
}
