import { Worker } from 'node:worker_threads';
import type { OpenFailure, SealAlg, SealKey } from '../../protocol/seal.js';

/** One record to open: its topic, record key and sealed value. */
export type SealJob = [topic: string, recordKey: string | null, value: string];

/**
 * The worker's answer for one job:
 * 0 the wrapper is broken or missing; 1 the worker holds no key of that id;
 * 2 the tag does not match the key; 3 opened.
 */
export type WorkerAnswer =
  | [0, OpenFailure, string, string | null]
  | [1, string]
  | [2, OpenFailure, string, string | null]
  | [3, string, number, number, SealAlg, string];

export interface WorkerRequest {
  id: number;
  keys: [string, Uint8Array, Uint8Array][];
  jobs: SealJob[];
}

/**
 * Opens big batches of sealed records on a worker thread, so the tags are checked (and
 * ciphertexts decrypted) on another core while this thread applies earlier batches: kafkajs hands
 * over several partitions' batches at once. The keys go to the worker once each; which key may
 * speak for which record stays the caller's to decide. A worker that fails leaves the pool
 * broken, and the caller opens its records itself: nothing is lost.
 */
export class SealPool {
  private worker: Worker | null = null;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (a: WorkerAnswer[]) => void; reject: (e: Error) => void }>();
  /** The keys the worker holds (or gets with the next request), by key id. */
  private readonly given = new Map<string, SealKey>();
  private toSend: SealKey[] = [];

  get usable(): boolean {
    return !this.broken;
  }

  /** Does the worker open `kid` with exactly this key? */
  holds(key: SealKey): boolean {
    return this.given.get(key.kid) === key;
  }

  /** Hands the worker a key for the next requests. */
  give(key: SealKey): void {
    if (this.given.get(key.kid) === key) return;
    this.given.set(key.kid, key);
    this.toSend.push(key);
  }

  open(jobs: SealJob[]): Promise<WorkerAnswer[]> {
    const worker = this.start();
    if (!worker) return Promise.reject(new Error('the seal worker is not available'));
    const id = this.nextId++;
    const keys = this.toSend.map((k): [string, Uint8Array, Uint8Array] => [k.kid, k.mac, k.enc]);
    this.toSend = [];
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, keys, jobs } satisfies WorkerRequest);
    });
  }

  private start(): Worker | null {
    if (this.broken) return null;
    if (this.worker) return this.worker;
    let worker: Worker;
    try {
      worker = new Worker(new URL('./seal-worker.js', import.meta.url));
    } catch {
      this.broken = true;
      return null;
    }
    worker.unref();
    worker.on('message', (m: { id: number; answers: WorkerAnswer[] }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      p.resolve(m.answers);
    });
    const fail = (error: Error) => {
      this.broken = true;
      this.worker = null;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the seal worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.broken = true;
    this.worker = null;
    if (w) await w.terminate().catch(() => {});
  }
}
