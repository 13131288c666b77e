// Placement simulator: places C chunks on a symmetric map before and after one change and
// reports fill balance, data moved against the theoretical minimum, failure-domain violations
// and placement speed. Its last line is exactly
//   balance B%, movement M× optimal, violations V, P placements/s
// where B is the fullest drive's excess over the mean fill per unit weight, M is fragments moved
// divided by the minimum the change requires, and P is placements per CPU-second of one thread
// (CPU time, not wall time, so that other work on the machine does not distort it).
//
//   npm run placement:sim -- --zones 3 --nodes-per-zone 4 --drives-per-node 6 \
//     --chunks 1000000 --class 4+2 --event add-node

import { Command, InvalidArgumentError } from 'commander';
import {
  SHARE_FULL_BASIS_POINTS, addNode, addZone, makeNode, removeNode, setDriveWeight, setShare, setState, uniformMap,
  ZONE_WEIGHTINGS, type ClusterMap, type StorageClass, type ZoneWeighting,
} from '../src/placement/index.js';
import { simulate, type Balance } from '../src/placement/simulation.js';

const EVENTS = {
  'add-node': 'a node with the same drives joins zone-0',
  'remove-node': 'the first node of zone-0 leaves (marked out; it keeps its place in the map)',
  'add-zone': 'a zone with the same nodes joins',
  'drive-down': 'one drive of the first node of zone-0 goes down',
  'reweight': 'one drive keeps 50% of its share (override, like ceph osd reweight)',
  'reweight-capacity': 'one drive doubles its weight (capacity change: the hierarchy above it changes)',
  'delete-node': 'the first node of zone-0 is deleted from the map (the hierarchy above it changes)',
  'drain-step': 'the first node of zone-0 starts draining: its share goes to 75%',
} as const;
type EventName = keyof typeof EVENTS;

interface Options {
  zones: number;
  nodesPerZone: number;
  drivesPerNode: number;
  chunks: number;
  class: StorageClass;
  event: EventName;
  seed: number;
  zoneWeighting: ZoneWeighting;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function storageClassOption(value: string): StorageClass {
  const match = /^(\d+)\+(\d+)$/.exec(value);
  if (match === null) throw new InvalidArgumentError('expected K+M, e.g. 4+2');
  return { name: `RS(${match[1]},${match[2]})`, k: Number(match[1]), m: Number(match[2]) };
}

function eventOption(value: string): EventName {
  if (!Object.hasOwn(EVENTS, value)) throw new InvalidArgumentError(`expected one of ${Object.keys(EVENTS).join(', ')}`);
  return value as EventName;
}

function zoneWeightingOption(value: string): ZoneWeighting {
  if (!(ZONE_WEIGHTINGS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected ${ZONE_WEIGHTINGS.join(' or ')}`);
  return value as ZoneWeighting;
}

function applyEvent(map: ClusterMap, event: EventName, options: Options): ClusterMap {
  const zone = map.zones[0]!;
  const node = zone.nodes[0]!;
  const drive = node.drives[0]!;
  switch (event) {
    case 'add-node':
      return addNode(map, zone.id, makeNode('node-added', options.drivesPerNode));
    case 'remove-node':
      return setState(map, { zone: zone.id, node: node.id }, 'out');
    case 'add-zone': {
      const nodes = Array.from({ length: options.nodesPerZone }, (_, n) => makeNode(`node-added-${n}`, options.drivesPerNode));
      return addZone(map, { id: 'zone-added', state: 'up', shareBasisPoints: SHARE_FULL_BASIS_POINTS, nodes });
    }
    case 'drive-down':
      return setState(map, { zone: zone.id, node: node.id, drive: drive.id }, 'down');
    case 'reweight':
      return setShare(map, { zone: zone.id, node: node.id, drive: drive.id }, SHARE_FULL_BASIS_POINTS / 2);
    case 'reweight-capacity':
      return setDriveWeight(map, { zone: zone.id, node: node.id, drive: drive.id }, drive.weight * 2);
    case 'delete-node':
      return removeNode(map, zone.id, node.id);
    case 'drain-step':
      return setShare(setState(map, { zone: zone.id, node: node.id }, 'draining'), { zone: zone.id, node: node.id }, 7500);
  }
}

function formatBalance(balance: Balance): string {
  return `max +${balance.maxPercent.toFixed(2)}%, min ${balance.minPercent.toFixed(2)}%, std ${balance.stdPercent.toFixed(2)}% ` +
    `(chance alone: std ${balance.poissonStdPercent.toFixed(2)}%); per node: max +${balance.nodeMaxPercent.toFixed(2)}%, ` +
    `std ${balance.nodeStdPercent.toFixed(2)}%`;
}

function main(): void {
  const program = new Command()
    .name('placement-sim')
    .description('Simulate fragment placement before and after a cluster map change.')
    .requiredOption('--zones <n>', 'zones', positiveInteger)
    .requiredOption('--nodes-per-zone <n>', 'nodes in each zone', positiveInteger)
    .requiredOption('--drives-per-node <n>', 'drives in each node', positiveInteger)
    .requiredOption('--chunks <n>', 'chunks to place', positiveInteger)
    .requiredOption('--class <k+m>', 'erasure-coding layout, e.g. 4+2', storageClassOption)
    .requiredOption('--event <name>', `one of: ${Object.keys(EVENTS).join(', ')}`, eventOption)
    .option('--seed <n>', 'seed for the chunk ids', positiveInteger, 1)
    .option('--zone-weighting <mode>', `how zones compete: ${ZONE_WEIGHTINGS.join(' or ')}`, zoneWeightingOption, 'capacity')
    .parse();
  const options = program.opts<Options>();
  const before = uniformMap({
    zones: options.zones, nodesPerZone: options.nodesPerZone, drivesPerNode: options.drivesPerNode, zoneWeighting: options.zoneWeighting,
  });
  const after = applyEvent(before, options.event, options);
  const result = simulate(before, after, options.class, options.chunks, options.seed);
  const movement = result.optimal === 0 ? (result.moved === 0 ? 1 : Infinity) : result.moved / result.optimal;
  const lines = [
    `map: ${options.zones} zones x ${options.nodesPerZone} nodes x ${options.drivesPerNode} drives, zones weighted by ${options.zoneWeighting}; ` +
      `class ${options.class.name}; ${options.chunks} chunks`,
    `event: ${options.event}: ${EVENTS[options.event]}`,
    `guarantee after: ${result.guarantee.description} (at most ${result.guarantee.fragmentsPerZoneMax} per zone, ${result.guarantee.fragmentsPerNodeMax} per node)`,
    `fill before: ${formatBalance(result.before)}`,
    `fill after:  ${formatBalance(result.after)}`,
    `floor after (chance alone at capacity shares): max +${result.afterChanceMaxPercent.toFixed(2)}%, std ${result.after.poissonStdPercent.toFixed(2)}%`,
    `fill after vs achievable share (capacity share clamped by the per-zone rule): max +${result.afterAchievable.maxPercent.toFixed(2)}%, ` +
      `std ${result.afterAchievable.stdPercent.toFixed(2)}% (chance alone: max +${result.afterAchievable.chanceMaxPercent.toFixed(2)}%, ` +
      `std ${result.afterAchievable.chanceStdPercent.toFixed(2)}%)`,
    `moved: ${result.moved} fragments of ${result.fragments} (${(100 * result.moved / result.fragments).toFixed(3)}%); ` +
      `minimum ${Math.round(result.optimal)} (${(100 * result.optimal / result.fragments).toFixed(3)}%)`,
    `movement vs achievable shares: minimum ${Math.round(result.optimalAchievable)}, ` +
      `${result.optimalAchievable === 0 ? 'n/a' : (result.moved / result.optimalAchievable).toFixed(3) + '×'}`,
    `violations: ${result.violations} chunks`,
    `speed: ${Math.round(result.placementsPerCpuSecond)} placements per CPU-second, ${Math.round(result.placementsPerWallSecond)} per wall-second`,
    `balance ${result.after.maxPercent.toFixed(2)}%, movement ${movement.toFixed(3)}× optimal, violations ${result.violations}, ${Math.round(result.placementsPerCpuSecond)} placements/s`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main();
