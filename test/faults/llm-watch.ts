// Watches one OpenAI fake: when requests arrive (polled) and answers leave (stamped by the fake), to pick a moment to
// kill its replica when no paid answer is in its last stretch (answered but maybe not stored yet) or about to land.
import type { OpenAiFake } from '../../src/sim/openai-fake.js';

export class LlmWatch {
  private readonly arrivals: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly fake: OpenAiFake) {
    this.timer = setInterval(() => this.poll(), 2);
    this.timer.unref();
  }

  private poll(): void {
    const now = Date.now();
    while (this.arrivals.length < this.fake.requests.length) this.arrivals.push(now);
  }

  /** Answers the fake gave (good ones; an injected 500 is not an answer): all, or those after `since` (epoch ms). */
  answered(since = -Infinity): number {
    return this.fake.faults.filter((f, i) => f !== 'fail-500' && (this.fake.answeredAt[i] ?? 0) > since).length;
  }

  /**
   * Summary runs the fake answered: first asks answered to their end (a repair or the re-ask after an answer cut at
   * the output cap belongs to the same run), all or those after `since` (epoch ms).
   */
  runs(since = -Infinity): number {
    return this.fake.completedFirstAsks.filter((done, i) => done && (this.fake.answeredAt[i] ?? 0) > since).length;
  }

  /**
   * True when no answer left within `afterMs` and none of the requests in flight is due within `beforeMs` (each is
   * answered `delayMs` after it arrived; the oldest in flight are the ones not answered yet, answers go in order).
   */
  quiet(delayMs: number, beforeMs: number, afterMs: number): boolean {
    this.poll();
    const now = Date.now();
    const answers = this.fake.answeredAt;
    const lastAnswer = answers[answers.length - 1] ?? 0;
    if (now - lastAnswer < afterMs) return false;
    const pending = this.arrivals.slice(answers.length);
    return pending.every((at) => at + delayMs - now > beforeMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
