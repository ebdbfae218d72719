// Man pages (roff, man(7) macros) from the commands' own oclif metadata: one page per command,
// `tk-<topic>-<command>.1`, and `tk.1` listing them all. The output depends only on the metadata
// and the package version, so a test can regenerate it and compare with the committed man/.
import type { Command, Config } from '@oclif/core';

export interface ManFlag {
  name: string;
  char?: string;
  description?: string;
  helpValue?: string;
  /** Only option flags take a value. */
  takesValue: boolean;
  allowNo: boolean;
  multiple: boolean;
  required: boolean;
  default?: unknown;
  options?: readonly string[];
  env?: string;
  helpGroup?: string;
}

export interface ManArg {
  name: string;
  description?: string;
  required: boolean;
}

export interface ManCommand {
  /** oclif's id, topics joined by `:` (`broker:start`). */
  id: string;
  summary?: string;
  description?: string;
  examples: readonly string[];
  args: readonly ManArg[];
  flags: readonly ManFlag[];
}

export interface ManProgram {
  bin: string;
  version: string;
  description: string;
  commands: readonly ManCommand[];
}

/** Escapes text for a roff line: backslashes, hyphens (so options copy as ASCII), a leading control character. */
export function roffEscape(text: string): string {
  const escaped = text.replaceAll('\\', '\\e').replaceAll('-', '\\-');
  return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}

/** Prose as roff: one escaped source line per input line, blank lines as paragraph breaks. */
function paragraphs(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((para) =>
      para
        .split('\n')
        .map((line) => roffEscape(line.trim()))
        .join('\n'),
    )
    .join('\n.PP\n');
}

const words = (id: string): string => id.split(':').join(' ');
export const pageName = (bin: string, id: string): string => `${bin}-${id.split(':').join('-')}`;

/** The summary oclif shows: `summary`, else the description's first line. */
function summaryOf(command: ManCommand): string {
  return (command.summary ?? command.description?.split('\n')[0] ?? '').trim();
}

/** The description without the line that served as the summary. */
function bodyOf(command: ManCommand): string {
  if (command.summary !== undefined) return command.description ?? '';
  return command.description?.split('\n').slice(1).join('\n') ?? '';
}

function header(title: string, program: ManProgram): string {
  const version = `${program.bin} ${program.version}`;
  // The date field stays empty so a regeneration changes nothing unless the metadata or version does.
  // No hyphenation and ragged-right: flag names and page names must not break.
  return [
    `.\\" Generated from the commands' metadata by scripts/gen-man.ts (npm run man); do not edit.`,
    `.TH "${roffEscape(title.toUpperCase())}" "1" "" "${version}" "${program.bin} manual"`,
    '.nh',
    '.ad l',
  ].join('\n');
}

function flagTerm(flag: ManFlag): string {
  const long = `\\fB\\-\\-${flag.allowNo ? '[no\\-]' : ''}${roffEscape(flag.name)}\\fR`;
  const names = flag.char === undefined ? long : `\\fB\\-${roffEscape(flag.char)}\\fR, ${long}`;
  return flag.takesValue ? `${names} \\fI${roffEscape(flag.helpValue ?? flag.name.toUpperCase())}\\fR` : names;
}

function flagNotes(flag: ManFlag): string[] {
  const notes: string[] = [];
  if (flag.required) notes.push('Required.');
  if (flag.options !== undefined && flag.options.length > 0) notes.push(`One of: ${flag.options.join(', ')}.`);
  const hasDefault = flag.default !== undefined && flag.default !== false && !(Array.isArray(flag.default) && flag.default.length === 0);
  if (hasDefault) notes.push(`Default: ${Array.isArray(flag.default) ? flag.default.join(', ') : String(flag.default)}.`);
  if (flag.multiple && !/\brepeatable\b/i.test(flag.description ?? '')) notes.push('Repeatable.');
  if (flag.env !== undefined) notes.push(`Environment: ${flag.env}.`);
  return notes;
}

/** Flag groups as sections: named groups by name (ACTION before the rest), then the ungrouped flags, GLOBAL last; flags by name within each. */
function flagSections(flags: readonly ManFlag[]): string[] {
  const groups = new Map<string, ManFlag[]>();
  for (const flag of flags) {
    const group = flag.helpGroup?.toUpperCase() ?? '';
    groups.set(group, [...(groups.get(group) ?? []), flag]);
  }
  const rank = (group: string): number => (group === 'GLOBAL' ? 2 : group === '' ? 1 : 0);
  const order = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en'));
  return order.map((group) => {
    const lines = [`.SH ${group === '' ? 'FLAGS' : `${roffEscape(group)} FLAGS`}`];
    const sorted = [...groups.get(group)!].sort((a, b) => a.name.localeCompare(b.name, 'en'));
    for (const flag of sorted) {
      lines.push('.TP', flagTerm(flag));
      const text = [flag.description ?? '', ...flagNotes(flag)].filter((s) => s !== '').join(' ');
      if (text !== '') lines.push(paragraphs(text));
    }
    return lines.join('\n');
  });
}

/** The page of one command. */
export function renderCommandPage(command: ManCommand, program: ManProgram): string {
  const invocation = `${program.bin} ${words(command.id)}`;
  const synopsisArgs = command.args.map((a) => (a.required ? `\\fI${roffEscape(a.name.toUpperCase())}\\fR` : `[\\fI${roffEscape(a.name.toUpperCase())}\\fR]`));
  const out = [
    header(pageName(program.bin, command.id), program),
    '.SH NAME',
    `${roffEscape(pageName(program.bin, command.id))} \\- ${roffEscape(summaryOf(command))}`,
    '.SH SYNOPSIS',
    `.B ${roffEscape(invocation)}`,
    [...synopsisArgs, command.flags.length > 0 ? '[\\fIFLAGS\\fR]' : ''].filter((s) => s !== '').join(' '),
  ];
  const body = bodyOf(command).trim();
  if (body !== '') out.push('.SH DESCRIPTION', paragraphs(body));
  if (command.args.length > 0) {
    out.push('.SH ARGUMENTS');
    for (const arg of command.args) {
      out.push('.TP', `\\fI${roffEscape(arg.name.toUpperCase())}\\fR`);
      if (arg.description !== undefined) out.push(paragraphs(arg.description));
    }
  }
  out.push(...flagSections(command.flags));
  if (command.examples.length > 0) {
    out.push('.SH EXAMPLES');
    for (const example of command.examples) out.push('.PP', '.nf', '.RS 4', ...example.split('\n').map(roffEscape), '.RE', '.fi');
  }
  out.push('.SH SEE ALSO', `.BR ${program.bin} (1)`);
  return `${out.filter((line) => line !== '').join('\n')}\n`;
}

/** `tk.1`: what tk is and every command with its summary. */
export function renderIndexPage(program: ManProgram): string {
  const out = [
    header(program.bin, program),
    '.SH NAME',
    `${roffEscape(program.bin)} \\- ${roffEscape(program.description)}`,
    '.SH SYNOPSIS',
    `.B ${roffEscape(program.bin)}`,
    '\\fICOMMAND\\fR [\\fIFLAGS\\fR]',
    '.SH DESCRIPTION',
    `Run \\fB${roffEscape(program.bin)} \\fICOMMAND\\fB \\-\\-help\\fR, or see the page of each command below.`,
    '.SH COMMANDS',
  ];
  for (const command of program.commands) {
    out.push('.TP', `\\fB${roffEscape(`${program.bin} ${words(command.id)}`)}\\fR`, `${roffEscape(summaryOf(command))} See \\fB${roffEscape(pageName(program.bin, command.id))}\\fR(1).`);
  }
  const last = program.commands.length - 1;
  out.push('.SH SEE ALSO', ...program.commands.map((c, i) => `.BR ${roffEscape(pageName(program.bin, c.id))} (1)${i === last ? '' : ','}`));
  return `${out.join('\n')}\n`;
}

/** Every page by file name (`tk.1`, `tk-topics.1`, …), commands in id order. */
export function renderManPages(program: ManProgram): Map<string, string> {
  const sorted = { ...program, commands: [...program.commands].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
  const pages = new Map<string, string>([[`${program.bin}.1`, renderIndexPage(sorted)]]);
  for (const command of sorted.commands) pages.set(`${pageName(program.bin, command.id)}.1`, renderCommandPage(command, sorted));
  return pages;
}

/** oclif example entries (strings or {command, description}) with `<%= config.bin %>` and `<%= command.id %>` filled in. */
function exampleText(example: Command.Example, bin: string, id: string): string {
  const fill = (s: string): string => s.replaceAll(/<%=\s*config\.bin\s*%>/g, bin).replaceAll(/<%=\s*command\.id\s*%>/g, words(id));
  return typeof example === 'string' ? fill(example) : `${fill(example.description)}\n${fill(example.command)}`;
}

/** The plain data the pages are made of, from a loaded oclif config (hidden commands and flags left out). */
export function manProgramOf(config: Config, description: string): ManProgram {
  const commands = config.commands
    .filter((c) => !c.hidden)
    .map((c): ManCommand => ({
      id: c.id,
      summary: c.summary,
      description: c.description,
      examples: (c.examples ?? []).map((e) => exampleText(e, config.bin, c.id)),
      args: Object.values(c.args ?? {}).map((a) => ({ name: a.name, description: a.description, required: a.required === true })),
      flags: Object.values(c.flags ?? {})
        .filter((f) => !f.hidden)
        .map((f) => ({
          name: f.name,
          char: f.char,
          description: f.summary ?? f.description,
          helpValue: f.type === 'option' ? (Array.isArray(f.helpValue) ? f.helpValue.join(' ') : f.helpValue) : undefined,
          takesValue: f.type === 'option',
          allowNo: f.type === 'boolean' && f.allowNo === true,
          multiple: f.type === 'option' && f.multiple === true,
          required: f.required === true,
          default: f.default,
          options: f.type === 'option' ? f.options : undefined,
          env: f.env,
          helpGroup: f.helpGroup,
        })),
    }));
  return { bin: config.bin, version: config.version, description, commands };
}

/** Loads the built commands (dist/, through package.json's oclif section) and renders every page. */
export async function generateManPages(root: string): Promise<Map<string, string>> {
  const { Config } = await import('@oclif/core');
  const config = await Config.load(root);
  const description = typeof config.pjson.description === 'string' ? config.pjson.description : '';
  return renderManPages(manProgramOf(config, description));
}
