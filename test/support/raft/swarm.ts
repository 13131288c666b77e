// One seeded random-fault simulation: a 3- or 5-node group under a KV workload while a
// nemesis crashes and restarts nodes, partitions and heals the network, and the network
// itself drops, duplicates and reorders. Every parameter is drawn from the seed, so a
// failing seed replays exactly. Safety is checked after every event (invariants.ts), the
// client history is checked for linearizability at the end, and liveness is checked once
// the faults stop: the healed group must complete operations again.

import { InvariantViolation } from './invariants.js';
import { Clerk, KvStateMachine } from './kv-workload.js';
import { checkOperations, kvModel, type KvInput, type KvOutput, type Operation } from './linearizability.js';
import { Prng } from './prng.js';
import { SimCluster, reliableNetwork, type NetworkProfile } from './sim-cluster.js';
import type { ConfigChange } from '../../../src/metadata/raft/membership.js';

export interface SwarmResult {
  readonly seed: number;
  readonly violation: string | null;
  readonly linearizability: 'ok' | 'illegal' | 'unknown';
  readonly ops: number;
  readonly unknownOps: number;
  readonly committed: number;
  readonly events: number;
  readonly faults: number;
  readonly snapshotsSent: number;
  readonly configChanges: number;
}

export interface SwarmOptions {
  readonly faultMs?: number;
  readonly healedMs?: number;
}

function drawNetwork(rng: Prng): NetworkProfile {
  const roll = rng.next();
  if (roll < 0.3) return reliableNetwork;
  return {
    dropRate: rng.pick([0.01, 0.05, 0.1, 0.2]),
    duplicateRate: rng.pick([0, 0.02, 0.1]),
    delayMsMin: 1,
    delayMsMax: rng.pick([5, 15, 30]),
    longDelayRate: rng.pick([0, 0.02, 0.05]),
    longDelayMsMax: rng.pick([200, 800]),
  };
}

// Injects one fault; returns whether it proposed a membership change.
function nemesis(sim: SimCluster, rng: Prng): boolean {
  const ids = sim.ids;
  const id = rng.pick(ids);
  const roll = rng.next();
  const later = (ms: number, f: () => void): void => sim.events.schedule(ms, f);
  if (roll < 0.1) {
    // A power failure of a majority: whatever was not fsync'd is gone everywhere at once,
    // which is what exposes an acknowledgement sent before its data was durable.
    const victims = ids.filter((x) => sim.node(x).readyInFlight || rng.chance(0.5));
    for (const v of victims) sim.crash(v);
    later(rng.int(0, 800), () => victims.forEach((v) => sim.node(v).alive || sim.restart(v)));
  } else if (roll < 0.25) {
    sim.crash(id);
    later(rng.int(0, 1500), () => sim.node(id).alive || sim.restart(id));
  } else if (roll < 0.4) {
    // Crash the leader if there is one: the most interesting crash.
    const leader = ids.find((x) => sim.node(x).core?.role === 'leader') ?? id;
    sim.crash(leader);
    later(rng.int(0, 1500), () => sim.node(leader).alive || sim.restart(leader));
  } else if (roll < 0.6) {
    const shuffled = ids.slice();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const cut = rng.int(1, ids.length - 1);
    sim.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
    later(rng.int(100, 1500), () => sim.partition([]));
  } else if (roll < 0.75) {
    sim.disconnect(id);
    later(rng.int(100, 1500), () => sim.connect(id));
  } else if (roll < 0.78) {
    sim.network = drawNetwork(rng);
  } else if (roll < 0.82) {
    const leader = ids.find((x) => sim.node(x).core?.role === 'leader');
    if (leader !== undefined && leader !== id) {
      sim.node(leader).core!.transferLeadership(id);
      sim.kick(leader);
    }
  } else if (roll < 0.94) {
    return changeMembership(sim, rng, id);
  } else {
    sim.heal();
  }
  return false;
}

// Adds id (as a voter, or as a learner to promote later), promotes it, or removes it,
// keeping at least three voters.
function changeMembership(sim: SimCluster, rng: Prng, id: string): boolean {
  const leader = sim.ids.find((x) => sim.node(x).core?.role === 'leader');
  if (leader === undefined) return false;
  const core = sim.node(leader).core!;
  const { voters, learners } = core.currentConfig();
  let change: ConfigChange | null;
  if (voters.includes(id)) change = voters.length > 3 ? { remove: id } : null;
  else if (learners.includes(id)) change = rng.chance(0.8) ? { add: id } : { remove: id };
  else change = rng.chance(0.5) ? { addLearner: id } : { add: id };
  if (change === null || (!rng.chance(0.9) && 'remove' in change)) return false;
  try {
    core.proposeConfigChange(change);
    sim.kick(leader);
    return true;
  } catch {
    // A change is already in progress, or this leader has not committed in its term yet.
    return false;
  }
}

export function runSwarmSeed(seed: number, opts: SwarmOptions = {}): SwarmResult {
  const rng = new Prng(seed ^ 0x5eed);
  const faultMs = opts.faultMs ?? 4000;
  const healedMs = opts.healedMs ?? 2500;
  const nodes = rng.pick([3, 5]);
  const sim = new SimCluster({
    seed,
    nodes,
    // Sometimes only three of five nodes start as voters, so that adding voters happens too.
    voters: nodes === 5 && rng.chance(0.5) ? ['n1', 'n2', 'n3'] : undefined,
    fsyncMsMax: rng.pick([1, 5, 20]),
    snapshotEvery: rng.pick([0, 25, 100]),
    network: drawNetwork(rng),
    stateMachine: () => new KvStateMachine(),
  });
  const history: Operation<KvInput, KvOutput>[] = [];
  const clerkRng = rng.fork();
  const clerks = Array.from({ length: rng.int(3, 8) }, (_, i) => new Clerk(i, sim, clerkRng.fork(), history, {
    keys: ['a', 'b', 'c'],
    attemptTimeoutMs: 250,
    opDeadlineMs: 1500,
    thinkMsMax: 20,
  }));
  const stopClients = faultMs + healedMs;
  for (const c of clerks) c.start(stopClients);
  let faults = 0;
  let configChanges = 0;
  const nemesisRng = rng.fork();
  const scheduleNemesis = (): void => {
    sim.events.schedule(nemesisRng.int(50, 600), () => {
      if (sim.now >= faultMs) return;
      faults++;
      if (nemesis(sim, nemesisRng)) configChanges++;
      scheduleNemesis();
    });
  };
  scheduleNemesis();
  let violation: string | null = null;
  let completedAtHeal = 0;
  try {
    sim.run(faultMs);
    // Faults stop: heal everything, restart the dead, make the network reliable.
    sim.heal();
    sim.network = reliableNetwork;
    for (const id of sim.ids) if (!sim.node(id).alive) sim.restart(id);
    completedAtHeal = clerks.reduce((n, c) => n + c.completed, 0);
    sim.run(healedMs + 2000);
    const completedAfter = clerks.reduce((n, c) => n + c.completed, 0);
    if (completedAfter === completedAtHeal) violation = 'liveness: no operation completed after the faults stopped';
  } catch (err) {
    if (!(err instanceof InvariantViolation)) throw err;
    violation = err.message;
  }
  const lin = violation === null ? checkOperations(kvModel, history, 2_000_000) : 'unknown';
  if (violation === null && lin === 'illegal') violation = 'linearizability: the client history is not linearizable';
  return {
    seed,
    violation,
    linearizability: lin,
    ops: history.length,
    unknownOps: clerks.reduce((n, c) => n + c.unknown, 0),
    committed: sim.invariants.committedCount(),
    events: sim.events.executed,
    faults,
    snapshotsSent: sim.snapshotsSent,
    configChanges,
  };
}
