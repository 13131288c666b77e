// Binary encoding of a ClusterMap, as stored in Raft-replicated metadata.
//
// Format, version 1 (all integers big-endian):
//   u8   version = 1
//   u32  epoch, high 32 bits      (epoch is a safe integer, < 2^53)
//   u32  epoch, low 32 bits
//   u8   zone weighting: 0 capacity, 1 equal
//   u16  zone count
//   per zone:  item header, u16 node count
//     per node:  item header, u16 drive count
//       per drive: item header, u32 weight
// where an item header is:
//   u8   id length in bytes (UTF-8), then the id bytes
//   u8   state: 0 up, 1 down, 2 draining, 3 out
//   u16  share in basis points (0..10000)
// Order is significant: a drive's position in its node is its `index` (its directory on a
// storage node), and decoding preserves every order. Unknown versions are rejected.

import { ClusterMapDecodeError } from './errors.js';
import {
  ITEM_STATES, ZONE_WEIGHTINGS, validateClusterMap,
  type ClusterMap, type DriveSpec, type ItemState, type NodeSpec, type ZoneSpec,
} from './cluster-map.js';

export const CLUSTER_MAP_FORMAT_VERSION = 1;

export function encodeClusterMap(map: ClusterMap): Uint8Array {
  validateClusterMap(map);
  const writer = new Writer();
  writer.u8(CLUSTER_MAP_FORMAT_VERSION);
  writer.u32(Math.floor(map.epoch / 2 ** 32));
  writer.u32(map.epoch % 2 ** 32);
  writer.u8(ZONE_WEIGHTINGS.indexOf(map.zoneWeighting ?? 'capacity'));
  writer.u16(map.zones.length);
  for (const zone of map.zones) {
    writer.item(zone.id, zone.state, zone.shareBasisPoints);
    writer.u16(zone.nodes.length);
    for (const node of zone.nodes) {
      writer.item(node.id, node.state, node.shareBasisPoints);
      writer.u16(node.drives.length);
      for (const drive of node.drives) {
        writer.item(drive.id, drive.state, drive.shareBasisPoints);
        writer.u32(drive.weight);
      }
    }
  }
  return writer.finish();
}

export function decodeClusterMap(bytes: Uint8Array): ClusterMap {
  const reader = new Reader(bytes);
  const version = reader.u8();
  if (version !== CLUSTER_MAP_FORMAT_VERSION) throw new ClusterMapDecodeError(`unknown cluster map version ${version}`);
  const epoch = reader.u32() * 2 ** 32 + reader.u32();
  const weightingCode = reader.u8();
  const zoneWeighting = ZONE_WEIGHTINGS[weightingCode];
  if (zoneWeighting === undefined) throw new ClusterMapDecodeError(`unknown zone weighting ${weightingCode}`);
  const zones: ZoneSpec[] = [];
  const zoneCount = reader.u16();
  for (let z = 0; z < zoneCount; z++) {
    const zoneItem = reader.item();
    const nodes: NodeSpec[] = [];
    const nodeCount = reader.u16();
    for (let n = 0; n < nodeCount; n++) {
      const nodeItem = reader.item();
      const drives: DriveSpec[] = [];
      const driveCount = reader.u16();
      for (let d = 0; d < driveCount; d++) {
        const driveItem = reader.item();
        drives.push({ ...driveItem, weight: reader.u32() });
      }
      nodes.push({ ...nodeItem, drives });
    }
    zones.push({ ...zoneItem, nodes });
  }
  if (!reader.atEnd()) throw new ClusterMapDecodeError('trailing bytes after cluster map');
  const map: ClusterMap = { epoch, zoneWeighting, zones };
  try {
    validateClusterMap(map);
  } catch (err) {
    throw new ClusterMapDecodeError(`decoded map is invalid: ${(err as Error).message}`);
  }
  return map;
}

class Writer {
  private buffer = new Uint8Array(1024);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  u8(value: number): void { this.reserve(1); this.view.setUint8(this.length, value); this.length += 1; }
  u16(value: number): void { this.reserve(2); this.view.setUint16(this.length, value); this.length += 2; }
  u32(value: number): void { this.reserve(4); this.view.setUint32(this.length, value); this.length += 4; }

  item(id: string, state: ItemState, share: number): void {
    const idBytes = Buffer.from(id, 'utf8');
    this.u8(idBytes.length);
    this.reserve(idBytes.length);
    this.buffer.set(idBytes, this.length);
    this.length += idBytes.length;
    this.u8(ITEM_STATES.indexOf(state));
    this.u16(share);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}

class Reader {
  private readonly view: DataView;
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(): number { this.need(1); const v = this.view.getUint8(this.offset); this.offset += 1; return v; }
  u16(): number { this.need(2); const v = this.view.getUint16(this.offset); this.offset += 2; return v; }
  u32(): number { this.need(4); const v = this.view.getUint32(this.offset); this.offset += 4; return v; }

  item(): { id: string; state: ItemState; shareBasisPoints: number } {
    const idLength = this.u8();
    this.need(idLength);
    const id = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.offset, idLength).toString('utf8');
    this.offset += idLength;
    const stateCode = this.u8();
    const state = ITEM_STATES[stateCode];
    if (state === undefined) throw new ClusterMapDecodeError(`unknown item state ${stateCode}`);
    return { id, state, shareBasisPoints: this.u16() };
  }

  atEnd(): boolean {
    return this.offset === this.bytes.length;
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.bytes.length) throw new ClusterMapDecodeError('cluster map bytes end early');
  }
}
