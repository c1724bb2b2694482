/**
 * Adaptive throttling: a sampler (an unref'd timer) measures process pressure (event-loop delay,
 * heap use, an app signal) and sets a level: `normal`, `tight` (limits tightened) or `shed`
 * (non-priority requests refused with 503 before any expensive work). Requests only read the
 * level; nothing is measured per request.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import type { SecurityRequest } from "../request/security-request.js";
import type { PressureThresholds, ThrottleLevel } from "./rate-limit-options.js";

/** Throttling settings with every default filled in. */
export interface ResolvedThrottle {
  readonly eventLoopDelay: PressureThresholds | false;
  readonly heapUsed: PressureThresholds | false;
  readonly signal: (() => ThrottleLevel) | undefined;
  readonly factor: number;
  readonly interval: number;
  readonly retryAfter: number;
  readonly isPriority: (request: SecurityRequest, ip: string) => boolean;
}

/** One sample's measures, reported with each level change. */
export interface PressureReading {
  /** Event-loop delay in milliseconds (99th percentile of the interval, or the sampler's own lateness if larger). */
  readonly eventLoopDelayMs: number;
  /** Used heap as a fraction of the heap limit. */
  readonly heapUsedRatio: number;
  /** The app signal's level, when one is configured. */
  readonly signal: ThrottleLevel | undefined;
}

const RANK: Readonly<Record<ThrottleLevel, number>> = { normal: 0, tight: 1, shed: 2 };
const LEVELS: readonly ThrottleLevel[] = ["normal", "tight", "shed"];
const RESOLUTION_MS = 10;

/** Watches pressure and holds the current level. */
export class PressureMonitor {
  /** The current level. */
  level: ThrottleLevel = "normal";
  private readonly histogram: IntervalHistogram | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;

  /** Starts sampling at once; `onChange` hears every level change. */
  constructor(
    private readonly settings: ResolvedThrottle,
    private readonly onChange: (from: ThrottleLevel, to: ThrottleLevel, reading: PressureReading) => void,
  ) {
    if (settings.eventLoopDelay !== false) {
      this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      this.histogram.enable();
    }
    this.lastTick = performance.now();
    this.timer = setInterval(() => this.sample(), settings.interval);
    this.timer.unref();
  }

  /** Takes one sample and updates the level. */
  sample(): void {
    const now = performance.now();
    // The histogram drops the first delay after a reset; the sampler's own lateness catches that one.
    const lateness = Math.max(0, now - this.lastTick - this.settings.interval);
    this.lastTick = now;
    let delay = lateness;
    if (this.histogram !== undefined) {
      if (this.histogram.count > 0) delay = Math.max(delay, this.histogram.percentile(99) / 1e6 - RESOLUTION_MS);
      this.histogram.reset();
    }
    const heap = getHeapStatistics();
    const reading: PressureReading = {
      eventLoopDelayMs: Math.round(delay),
      heapUsedRatio: heap.heap_size_limit > 0 ? heap.used_heap_size / heap.heap_size_limit : 0,
      signal: this.readSignal(),
    };
    const next = this.levelOf(reading);
    if (next === this.level) return;
    const from = this.level;
    this.level = next;
    this.onChange(from, next, reading);
  }

  /** Stops sampling. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.histogram?.disable();
  }

  private levelOf(reading: PressureReading): ThrottleLevel {
    let rank = 0;
    const { eventLoopDelay, heapUsed } = this.settings;
    if (eventLoopDelay !== false) rank = Math.max(rank, rankOf(reading.eventLoopDelayMs, eventLoopDelay));
    if (heapUsed !== false) rank = Math.max(rank, rankOf(reading.heapUsedRatio, heapUsed));
    if (reading.signal !== undefined) rank = Math.max(rank, RANK[reading.signal]);
    return LEVELS[rank]!;
  }

  private readSignal(): ThrottleLevel | undefined {
    if (this.settings.signal === undefined) return undefined;
    try {
      const level = this.settings.signal();
      return Object.prototype.hasOwnProperty.call(RANK, level) ? level : "normal";
    } catch {
      // A failing signal must not stop the sampler; the other measures still count.
      return "normal";
    }
  }
}

function rankOf(value: number, thresholds: PressureThresholds): number {
  if (value >= thresholds.shed) return 2;
  if (value >= thresholds.tighten) return 1;
  return 0;
}
