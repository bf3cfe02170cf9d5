/**
 * This node's place in a cluster of nodes sharing one MySQL store (SPEC §8). It joins (cluster
 * start or joining a live cluster), heartbeats (timing.ts), declares silent nodes dead and takes
 * their runs over, works out which jobs are its share (rendezvous hashing over the live nodes),
 * and reads the change feed (change-feed.ts) so every node's scheduler sees every change within a
 * second.
 *
 * It starts nothing new unless it holds its place: registered, not fenced by another node, and
 * with a heartbeat the store took less than HOLD_MS ago (so it stops before others, judging by the
 * server's clock, can find it dead). The store's claims keep slots exactly-once regardless.
 */
import type { Pool } from 'mysql2/promise';
import type { Logger } from 'pino';

import type { ServiceEvents } from '../events/service-events.js';
import type { RunEvents } from '../runs/run-events.js';
import { StoreError } from '../store/errors.js';
import { mysqlUnavailableReason } from '../store/mysql/pool.js';
import type { Store } from '../store/store.js';
import { ClusterTable, isLive, nodeStatus, type Change, type NodeRow, type NodeStatus } from './cluster-table.js';

export type { NodeStatus } from './cluster-table.js';
import { ChangeFeed } from './change-feed.js';
import { ClusterClock } from './cluster-clock.js';
import type { ClusterScheduler } from './cluster-scheduler.js';
import { assignJobs, ownerOf } from './rendezvous.js';
import { LiveLinesShipper, LiveLinesTable } from './live-lines.js';
import { endConnections, nameConnections } from './node-connections.js';
import { RemoteCancels, RemoteCancelsTable } from './remote-cancels.js';
import { RemoteRuns } from './remote-runs.js';
import { CANCELS_POLL_MS, FEED_POLL_MS, GUARD_MS, HEARTBEAT_MS, HOLD_MS, LINES_POLL_MS, REMOTE_RUNS_POLL_MS, SAME_ID_WAIT_MS } from './timing.js';

export type { ClusterScheduler } from './cluster-scheduler.js';

export interface ClusterOptions {
  pool: Pool;
  id: string;
  store: Pick<Store, 'listJobs' | 'getJob'>;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** This node's wall clock (Date.now); the cluster's clock is the server's, read against it. */
  wallClock?: () => number;
  /** The node's other pools on the same database (the store's), whose connections are named too. */
  namedPools?: Pool[];
}


export class Cluster {
  readonly id: string;
  /** Live log lines of runs watched from another node (see live-lines.ts). */
  readonly liveLines: LiveLinesTable;
  /** Requests to cancel runs in flight on another node (see remote-cancels.ts). */
  readonly cancels: RemoteCancelsTable;
  /** The database server's clock, which every node schedules by (cluster-clock.ts). */
  readonly clock: ClusterClock;
  private readonly table: ClusterTable;
  private readonly now: () => number;
  private epoch = 0;
  private changeSeq = 0;
  private feed: ChangeFeed | null = null;
  private remote: RemoteRuns | null = null;
  private live: string[] = [];
  private known: NodeRow[] = [];
  private lastHeartbeatSent = Number.NEGATIVE_INFINITY;
  private fenced = false;
  private unreachable: string | null = null;
  private scheduler: ClusterScheduler | null = null;
  private timers: NodeJS.Timeout[] = [];
  private pulsing = false;
  private surveying = false;
  /** Whether this node held its place at the last survey: a change re-arms its share. */
  private surveyedHolding = true;
  private leaving = false;
  private assignment = new Map<string, string>();
  private assignedFor = '';

  constructor(private readonly options: ClusterOptions) {
    this.id = options.id;
    this.table = new ClusterTable(options.pool);
    this.liveLines = new LiveLinesTable(options.pool);
    this.cancels = new RemoteCancelsTable(options.pool);
    this.clock = new ClusterClock(options.wallClock);
    this.now = () => this.clock.now();
  }

  /**
   * Takes this node's place. Resolves `clusterStart` true when no other node was alive (the boot
   * rules of SPEC §4 then apply: Run Once pending, stop → ok). Throws StoreError when a live node
   * already has this id.
   */
  async join(): Promise<{ clusterStart: boolean }> {
    // The server's clock first: the start time written and everything planned from here on use it.
    await this.clock.read(() => this.table.serverTime());
    const deadline = this.now() + SAME_ID_WAIT_MS;
    let held: NodeRow | null = null;
    for (;;) {
      const joined = await this.table.join(this.id, this.now(), 'its node stopped answering while this run was in flight');
      if (joined !== null) {
        this.epoch = joined.epoch;
        this.changeSeq = joined.changeSeq;
        this.lastHeartbeatSent = performance.now();
        await this.nameConnections();
        await this.readNodes();
        // Heartbeats start now, not when the scheduler is ready: a slow start must not look dead.
        this.every(HEARTBEAT_MS, () => this.pulse());
        this.every(HEARTBEAT_MS, () => this.survey());
        this.every(GUARD_MS, async () => this.guard());
        return { clusterStart: joined.clusterStart };
      }
      // A live row with this id: another node, or this node's previous process killed a moment
      // ago. Only a heartbeat that moves tells them apart.
      const now = await this.table.node(this.id);
      if (held !== null && now !== null && now.heartbeatAt !== held.heartbeatAt) {
        throw new StoreError(`another live node already uses the node id "${this.id}"; set QUICKJOBS_NODE_ID to a unique id`);
      }
      held ??= now;
      if (this.now() > deadline) throw new StoreError(`the node id "${this.id}" is held by a node that still heartbeats; set QUICKJOBS_NODE_ID to a unique id`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /**
   * Hands the cluster its scheduler and the way to read the periods again: the change feed and
   * changes of the live nodes re-arm it from now on.
   */
  run(scheduler: ClusterScheduler, { refreshPeriods, events, runEvents }: { refreshPeriods: () => Promise<void>; events: ServiceEvents; runEvents: RunEvents }): void {
    this.scheduler = scheduler;
    const { store } = this.options;
    const feed = new ChangeFeed({
      table: this.table,
      store,
      scheduler,
      node: this.id,
      from: this.changeSeq,
      now: this.now,
      refreshPeriods,
      resync: () => this.resync(),
    });
    this.feed = feed;
    this.takeShares();
    if (this.reassign()) scheduler.sync(scheduler.list());
    this.follow(FEED_POLL_MS, () => feed.poll());
    const remote = new RemoteRuns({ table: this.table, store, scheduler, events, node: this.id });
    this.remote = remote;
    const shipper = new LiveLinesShipper(this.liveLines, runEvents);
    this.follow(REMOTE_RUNS_POLL_MS, () => remote.poll());
    this.follow(LINES_POLL_MS, () => shipper.poll());
    const cancels = new RemoteCancels(this.cancels, scheduler);
    this.follow(CANCELS_POLL_MS, () => cancels.poll());
  }

  /** Polls the store for what the other nodes did, until this node leaves. */
  private follow(ms: number, poll: () => Promise<void>): void {
    this.every(ms, async () => {
      if (!this.leaving) await poll().catch((error: unknown) => this.failed(error));
    });
  }

  /** Whether a run of the job is in flight on another node (read every REMOTE_RUNS_POLL_MS). */
  runningElsewhere(job: string): boolean {
    return this.remote?.has(job) ?? false;
  }

  private every(ms: number, work: () => Promise<void>): void {
    const timer = setInterval(() => void work(), ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** Whether this node may start runs now: registered, not fenced, heartbeat recent. */
  get holding(): boolean {
    return !this.leaving && !this.fenced && this.epoch > 0 && performance.now() - this.lastHeartbeatSent < HOLD_MS;
  }

  /** Whether this node schedules `job` now. */
  owns(job: string): boolean {
    return this.holding && (this.assignment.get(job) ?? ownerOf(job, this.live)) === this.id;
  }

  /**
   * Spreads the active jobs over the live nodes again when either changed; true when it did (the
   * scheduler then re-arms for its new share).
   */
  private reassign(): boolean {
    if (this.scheduler === null) return false;
    const active = this.scheduler.list().filter((job) => job.active).map((job) => job.name).sort();
    const key = `${this.live.join('\n')}\u0000${active.join('\n')}`;
    if (key === this.assignedFor) return false;
    this.assignedFor = key;
    this.assignment = assignJobs(active, this.live);
    return true;
  }

  /** Why this node starts nothing, in words; null while it holds its place. */
  get problem(): string | null {
    if (this.leaving) return 'this node is stopping';
    if (this.unreachable !== null) return `cannot reach the store: ${this.unreachable}`;
    if (this.fenced) return 'another node declared this node dead; rejoining';
    if (!this.holding) return `no heartbeat taken by the store for ${HOLD_MS / 1000} s`;
    return null;
  }

  /** Tells the other nodes about a change (fire and forget: the periodic full read covers a lost one). */
  announce(kind: Change['kind'], job: string | null = null): void {
    this.table.announce(kind, job, this.id, this.now()).catch((error: unknown) => {
      this.options.log.warn({ err: error, kind, job }, 'could not announce a change to the other nodes; they see it within 30 s');
    });
  }

  nodes(): NodeStatus[] {
    return this.known.map(nodeStatus);
  }

  /** Stops taking part and leaves the cluster, so the others take this node's jobs at once. */
  async leave(): Promise<void> {
    this.leaving = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    if (this.fenced || this.epoch === 0) return;
    await this.table.leave(this.id, this.epoch).catch(() => undefined);
  }

  /**
   * Stops starting runs (shutdown), staying registered until `leave`; the other nodes take its
   * share at once instead of when it leaves, after its runs.
   */
  stopClaiming(): void {
    this.leaving = true;
    if (this.epoch > 0 && !this.fenced) void this.table.notReady(this.id, this.epoch).catch(() => undefined);
  }

  private ownedCount(): number {
    if (this.scheduler === null) return 0;
    let count = 0;
    for (const job of this.scheduler.list()) if (job.active && this.assignment.get(job.name) === this.id) count++;
    return count;
  }

  /**
   * One heartbeat. On a timer of its own, apart from the survey: a takeover that waits on a lock
   * (a paused node's open transaction holds one until it wakes) must never age this node's own
   * heartbeat, or the live nodes would start finding each other dead.
   */
  private async pulse(): Promise<void> {
    if (this.pulsing || this.leaving) return;
    this.pulsing = true;
    try {
      const sent = performance.now();
      if (this.fenced) {
        await this.rejoin();
      } else if (await this.table.heartbeat(this.id, this.epoch, this.ownedCount(), this.scheduler?.runningCount ?? 0, this.scheduler !== null)) {
        this.lastHeartbeatSent = sent;
      } else {
        this.fenced = true;
        this.options.log.error({ node: this.id }, 'another node declared this node dead (its heartbeat was too old); starting nothing until it rejoins');
        this.interruptRuns('another node declared this node dead and recorded its runs interrupted');
        await this.rejoin();
      }
      if (this.unreachable !== null) {
        this.options.log.warn({ node: this.id }, 'the store is reachable again; this node takes part again');
        this.unreachable = null;
      }
    } catch (error) {
      this.failed(error);
    } finally {
      this.pulsing = false;
    }
  }

  /**
   * The node list: takeovers of silent nodes, and a new share on any change. The list is read
   * before the takeovers, so a node is taken over on ages read just now (not one round old), and
   * read again after one, so its jobs move in this same round.
   */
  private async survey(): Promise<void> {
    if (this.surveying || this.leaving) return;
    this.surveying = true;
    try {
      const holding = this.holding;
      let changed = await this.readNodes();
      if (await this.takeOverSilent()) changed = (await this.readNodes()) || changed;
      if (changed || holding !== this.surveyedHolding) await this.resync();
      else if (this.reassign()) this.scheduler?.sync(this.scheduler.list());
      this.surveyedHolding = holding;
    } catch (error) {
      this.failed(error);
    } finally {
      this.surveying = false;
    }
  }

  /**
   * A node that has gone HOLD_MS without a heartbeat the store took may be found dead by the others
   * a second later, and its jobs run there: its runs in flight end now, so no job runs on two nodes
   * at once. The node that finds it dead records them interrupted; if the store answers first, this
   * node does.
   */
  private guard(): void {
    if (this.leaving || this.epoch === 0 || this.holding) return;
    this.interruptRuns(this.fenced ? 'another node declared this node dead' : `this node could not reach the store for ${HOLD_MS / 1000} s`);
  }

  private interruptRuns(reason: string): void {
    const interrupted = this.scheduler?.interruptAll(`${reason}; its jobs may run on another node`) ?? 0;
    if (interrupted > 0) this.options.log.warn({ node: this.id, interrupted }, `${reason}: interrupted this node's runs in flight`);
  }

  /**
   * Names this node's connections, in its own pool and in `namedPools` (the store's), so a node
   * that finds it dead can end them; names left by an earlier process with this id go first.
   */
  private async nameConnections(): Promise<void> {
    await endConnections(this.options.pool, this.id);
    for (const pool of [this.options.pool, ...(this.options.namedPools ?? [])]) nameConnections(pool, this.id);
  }

  /** Fenced: its runs were recorded interrupted by the node that found it dead. Joins again. */
  private async rejoin(): Promise<void> {
    const joined = await this.table.join(this.id, this.now(), 'its node stopped answering while this run was in flight');
    if (joined === null) return; // its old row still looks alive; try on the next heartbeat
    this.epoch = joined.epoch;
    this.fenced = false;
    this.lastHeartbeatSent = performance.now();
    this.options.log.warn({ node: this.id, epoch: this.epoch }, 'rejoined the cluster');
  }

  /** Declares the nodes found silent dead; true when any was still marked alive (won or not). */
  private async takeOverSilent(): Promise<boolean> {
    let any = false;
    for (const node of this.known) {
      if (node.id === this.id || !node.alive || isLive(node)) continue;
      any = true;
      // Its open transactions would hold their locks until it wakes, the takeover's among them.
      const ended = await endConnections(this.options.pool, node.id);
      if (ended > 0) this.options.log.warn({ node: node.id, connections: ended }, 'ended the database connections of a silent node');
      const interrupted = await this.table.takeOver(node, this.now(), `node ${node.id} stopped answering while this run was in flight`);
      if (interrupted !== null) this.options.log.warn({ node: node.id, interrupted, silentMs: Math.round(node.ageMs) }, 'a node fell silent: took over its jobs');
    }
    return any;
  }

  /** Reads the node list; true when the live set changed. */
  private async readNodes(): Promise<boolean> {
    await this.clock.read(async () => {
      const read = await this.table.nodesAndTime();
      this.known = read.nodes;
      return read.serverMs;
    });
    return this.takeShares();
  }

  /**
   * The nodes jobs are spread over: the live ones that are ready (a node joins before its
   * scheduler runs, and is given nothing until it does). This node counts itself as its own state
   * says, whatever the read shows. True when the set changed.
   */
  private takeShares(): boolean {
    const live = this.known.filter((node) => node.id !== this.id && isLive(node) && node.ready).map((node) => node.id);
    if (this.holding && this.scheduler !== null) live.push(this.id);
    live.sort();
    const changed = live.join('\n') !== this.live.join('\n');
    this.live = live;
    return changed;
  }

  /** Every job as the store has it, the scheduler re-armed for this node's share. */
  private async resync(): Promise<void> {
    if (this.scheduler === null) return;
    const jobs = await this.options.store.listJobs();
    this.scheduler.sync(jobs);
    this.feed?.synced();
    if (this.reassign()) this.scheduler.sync(this.scheduler.list());
  }

  /** Logged once per outage, not once per beat. */
  private failed(error: unknown): void {
    const reason = mysqlUnavailableReason(error) ?? (error as Error).message;
    if (this.unreachable === null) {
      this.options.log.error({ node: this.id, err: error }, `cannot reach the store (${reason}); this node starts no runs until it can`);
    }
    this.unreachable = reason;
  }
}
