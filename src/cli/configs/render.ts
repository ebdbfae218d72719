// `tk configs` output: the lines kafka-configs.sh prints, and the --output json shape.
import type { ConfigEntryDescription } from '../../client/admin.js';
import type { ServedEntityType } from './options.js';

/** `Dynamic configs for topic NAME are:` (All … with --all), or the cluster default's header. */
export function renderDescribeHeader(entityType: ServedEntityType, entityName: string, all: boolean): string {
  if (entityName === '') return `Default configs for ${entityType} in the cluster are:\n`;
  return `${all ? 'All' : 'Dynamic'} configs for ${entityType.slice(0, -1)} ${entityName} are:\n`;
}

/** `  NAME=VALUE sensitive=false synonyms={SOURCE:NAME=VALUE, …}`, one per config. */
export function renderConfigLines(configs: readonly ConfigEntryDescription[]): string {
  return configs
    .map((c) => `  ${c.name}=${c.value} sensitive=${c.isSensitive} synonyms={${c.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`).join(', ')}}\n`)
    .join('');
}

export function renderAltered(entityType: ServedEntityType, entityName: string): string {
  return entityName === '' ? `Completed updating default config for ${entityType} in the cluster.\n` : `Completed updating config for ${entityType.slice(0, -1)} ${entityName}.\n`;
}

export interface DescribedEntity {
  entityType: ServedEntityType;
  entityName: string;
  configs: readonly ConfigEntryDescription[];
}

export function renderDescribeJson(entities: readonly DescribedEntity[]): string {
  return `${JSON.stringify({
    entities: entities.map((e) => ({
      entityType: e.entityType,
      entityName: e.entityName,
      configs: e.configs.map((c) => ({ name: c.name, value: c.value, source: c.source, sensitive: c.isSensitive, readOnly: c.readOnly, synonyms: c.synonyms })),
    })),
  })}\n`;
}

export function renderAlteredJson(entityType: ServedEntityType, entityName: string, added: ReadonlyMap<string, string>, deleted: readonly string[]): string {
  return `${JSON.stringify({ action: 'alter', entityType, entityName, added: Object.fromEntries(added), deleted })}\n`;
}

/** ConfigCommand's catch-all: the args it ran with, then the exception's first line (Java prints the stack trace there). */
export function renderCommandFailure(args: readonly string[], exceptionLine: string): string {
  return `Error while executing config command with args '${args.join(' ')}'\njava.util.concurrent.ExecutionException: ${exceptionLine}\n`;
}
