// Each action of tk consumer-groups: gather through the service, render as Kafka prints it (or as
// JSON), and say whether Kafka would have reported an error. Output is returned as chunks so the
// command writes stdout and stderr in Kafka's interleaving.
import { readFile } from 'node:fs/promises';
import { ConsumerGroupsUsageError, describeView, RESET_SCENARIOS, parseLongOption, parseStates, parseTypes, scenariosGiven, type ConsumerGroupsAction, type ConsumerGroupsOptions } from './options.js';
import * as render from './render.js';
import type { Chunk } from './render.js';
import { parseDateTime, parseDuration, parseResetCsv, ResetFailure, type ScenarioValue } from './reset.js';
import type { ConsumerGroupService } from './service.js';

export interface ActionOutput {
  chunks: Chunk[];
  /** True when Kafka printed an `Error: …` line: tk exits 1 then. */
  failed: boolean;
}

const out = (text: string): Chunk => ({ stream: 'stdout', text });
const json = (value: unknown): Chunk => out(`${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}\n`);
const hasError = (chunks: readonly Chunk[]): boolean => chunks.some((c) => c.stream === 'stdout' && c.text.startsWith('\nError: '));

export async function runAction(action: ConsumerGroupsAction, o: ConsumerGroupsOptions, service: ConsumerGroupService, asJson: boolean): Promise<ActionOutput> {
  switch (action) {
    case 'list':
      return list(o, service, asJson);
    case 'describe':
      return describe(o, service, asJson);
    case 'reset-offsets':
      return reset(o, service, asJson);
    case 'delete':
      return deleteGroups(service, asJson);
    case 'delete-offsets':
      return deleteOffsets(o, service, asJson);
  }
}

async function list(o: ConsumerGroupsOptions, service: ConsumerGroupService, asJson: boolean): Promise<ActionOutput> {
  const withState = o.state !== undefined;
  const withType = o.type !== undefined;
  const states = withState && o.state !== '' ? parseStates(o.state!) : [];
  const types = withType && o.type !== '' ? parseTypes(o.type!) : [];
  const listings = await service.listings({ states, types });
  if (asJson) return { chunks: [json({ groups: listings.map((l) => ({ group: l.groupId, ...(withType ? { type: l.type } : {}), ...(withState ? { state: l.state } : {}) })) })], failed: false };
  const text = withState || withType ? render.renderListWithColumns(listings, withType, withState) : render.renderListText(listings.map((l) => l.groupId));
  return { chunks: [out(text)], failed: false };
}

async function describe(o: ConsumerGroupsOptions, service: ConsumerGroupService, asJson: boolean): Promise<ActionOutput> {
  const ids = await service.groupIds();
  const view = describeView(o);
  const chunks: Chunk[] = [];
  let failed = false;
  const note = (group: string, state: string, rows: number): Chunk[] => {
    const n = render.stateNote(group, state, rows);
    failed ||= hasError(n.chunks);
    return n.chunks.filter((c) => c.stream === 'stderr');
  };
  if (view === 'offsets') {
    const groups = await service.offsets(ids);
    if (asJson) {
      for (const g of groups) chunks.push(...note(g.group, g.state, g.rows.length));
      const partitions = (g: render.GroupOffsets) =>
        g.rows.map((r) => ({ topic: r.topic, partition: r.partition, currentOffset: r.offset, logEndOffset: r.logEndOffset, lag: render.lagOf(r), consumerId: r.consumerId, host: r.host, clientId: r.clientId }));
      chunks.push(json({ groups: groups.map((g) => ({ group: g.group, state: g.state, exists: g.state !== 'Dead', partitions: partitions(g) })) }));
    } else for (const g of groups) chunks.push(...render.renderOffsets(g));
  } else if (view === 'members') {
    const groups = await service.members(ids);
    if (asJson) {
      for (const g of groups) chunks.push(...note(g.group, g.state, g.members.length));
      chunks.push(
        json({
          groups: groups.map((g) => ({
            group: g.group,
            state: g.state,
            exists: g.state !== 'Dead',
            members: g.members.map((m) => ({ consumerId: m.consumerId, groupInstanceId: m.groupInstanceId, host: m.host, clientId: m.clientId, partitions: m.assignment.length, ...(o.verbose ? { assignment: m.assignment } : {}) })),
          })),
        }),
      );
    } else for (const g of groups) chunks.push(...render.renderMembers(g, o.verbose));
  } else {
    const states = await service.states(ids);
    if (asJson) {
      for (const s of states) chunks.push(...note(s.group, s.state, 1));
      chunks.push(json({ groups: states.map((s) => ({ ...s, exists: s.state !== 'Dead' })) }));
    } else for (const s of states) chunks.push(...render.renderState(s));
  }
  return { chunks, failed: failed || hasError(chunks) };
}

async function scenarioValue(o: ConsumerGroupsOptions): Promise<ScenarioValue> {
  const [scenario] = scenariosGiven(o);
  if (scenario === undefined) {
    throw new ConsumerGroupsUsageError(`Option '[reset-offsets]' requires one of the following scenarios: [${RESET_SCENARIOS.map((s) => `[${s}]`).join(', ')}]`);
  }
  switch (scenario) {
    case 'to-offset':
      return { scenario, amount: parseLongOption('to-offset', o.toOffset!) };
    case 'shift-by':
      return { scenario, amount: parseLongOption('shift-by', o.shiftBy!) };
    case 'to-datetime':
      return { scenario, timestamp: parseDateTime(o.toDatetime!) };
    case 'by-duration':
      return { scenario, timestamp: BigInt(Date.now()) - parseDuration(o.byDuration!) };
    case 'from-file': {
      let text: string;
      try {
        text = await readFile(o.fromFile!, 'utf8');
      } catch (err) {
        throw new ResetFailure(`java.nio.file.NoSuchFileException: ${o.fromFile} (${(err as Error).message})`);
      }
      return { scenario, plan: parseResetCsv(text, o.group) };
    }
    default:
      return { scenario };
  }
}

async function reset(o: ConsumerGroupsOptions, service: ConsumerGroupService, asJson: boolean): Promise<ActionOutput> {
  const value = await scenarioValue(o);
  const results = await service.resetOffsets(value, o.execute);
  const chunks: Chunk[] = [];
  for (const r of results) {
    chunks.push(...r.notes.filter((c) => !asJson || c.stream === 'stderr'));
    if (r.refused !== null && !asJson) chunks.push(render.errorChunk(r.refused));
  }
  const failed = results.some((r) => r.refused !== null) || hasError(chunks);
  if (asJson) {
    chunks.push(json({ executed: o.execute, groups: results.map((r) => ({ group: r.group, ...(r.refused !== null ? { error: r.refused } : {}), offsets: r.offsets })) }));
  } else if (o.export) {
    chunks.push(out(`${render.renderExportCsv(results.map((r) => ({ group: r.group, offsets: r.offsets })), o.group.length === 1)}\n`));
  } else {
    chunks.push(out(render.renderResetPlan(results.map((r) => ({ group: r.group, offsets: r.offsets })))));
  }
  return { chunks, failed };
}

async function deleteGroups(service: ConsumerGroupService, asJson: boolean): Promise<ActionOutput> {
  const results = await service.deleteGroups();
  const failed = results.some((r) => r.error !== null);
  if (asJson) return { chunks: [json({ groups: results.map((r) => ({ group: r.group, deleted: r.error === null, error: r.error })) })], failed };
  return { chunks: [out(render.renderDeleteGroups(results))], failed };
}

async function deleteOffsets(o: ConsumerGroupsOptions, service: ConsumerGroupService, asJson: boolean): Promise<ActionOutput> {
  const { errorName, partitions } = await service.deleteOffsets();
  const headline = render.deleteOffsetsHeadline(errorName, o.group[0]!, o.topic);
  const failed = errorName !== 'NONE' || partitions.some((p) => p.error !== null);
  if (asJson) return { chunks: [json({ group: o.group[0], error: errorName === 'NONE' ? null : errorName, partitions })], failed };
  return { chunks: [headline, out(render.renderDeleteOffsetsTable(partitions))], failed };
}
