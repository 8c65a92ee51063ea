import type { Admin } from 'kafkajs';

/** A consumer group's committed offset per partition of each topic it reads (-1: nothing committed). */
export interface GroupOffsets {
  groupId: string;
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

/** The committed offsets of these groups, as they are now (read before the stores are copied). */
export async function readGroupOffsets(admin: Admin, groups: { groupId: string; topics: string[] }[]): Promise<GroupOffsets[]> {
  const out: GroupOffsets[] = [];
  for (const g of groups) {
    const fetched = await admin.fetchOffsets({ groupId: g.groupId, topics: g.topics });
    out.push({
      groupId: g.groupId,
      topics: fetched.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, offset: p.offset })) })),
    });
  }
  return out;
}

export interface RewindReport {
  groupId: string;
  topic: string;
  /** Partitions set to the recorded offset. */
  set: { partition: number; offset: string }[];
  /** Partitions whose recorded offset is gone from the log (retention): set to the earliest offset instead. */
  clamped: { partition: number; recorded: string; earliest: string }[];
}

/**
 * Sets each group's offsets back to the recorded ones, so the group's next consumer re-reads
 * everything produced since. A partition with nothing recorded goes to the earliest offset
 * (the group had not read it then). The groups must have no active member (stop the apps
 * first): Kafka refuses to move the offsets of a live group.
 */
export async function rewindGroups(admin: Admin, recorded: GroupOffsets[]): Promise<RewindReport[]> {
  const out: RewindReport[] = [];
  for (const g of recorded) {
    const described = await admin.describeGroups([g.groupId]);
    const state = described.groups[0];
    if (state && state.members.length > 0) {
      throw new Error(`consumer group ${g.groupId} has ${state.members.length} active member(s): stop the app before restoring (state ${state.state})`);
    }
    for (const t of g.topics) {
      const bounds = await admin.fetchTopicOffsets(t.topic);
      const low = new Map(bounds.map((b) => [b.partition, BigInt(b.low)]));
      const r: RewindReport = { groupId: g.groupId, topic: t.topic, set: [], clamped: [] };
      const partitions = bounds.map((b) => {
        const rec = t.partitions.find((p) => p.partition === b.partition)?.offset ?? '-1';
        const earliest = low.get(b.partition)!;
        if (BigInt(rec) < 0n) return { partition: b.partition, offset: earliest.toString() };
        if (BigInt(rec) < earliest) {
          r.clamped.push({ partition: b.partition, recorded: rec, earliest: earliest.toString() });
          return { partition: b.partition, offset: earliest.toString() };
        }
        return { partition: b.partition, offset: rec };
      });
      await admin.setOffsets({ groupId: g.groupId, topic: t.topic, partitions });
      r.set = partitions;
      out.push(r);
    }
  }
  return out;
}
