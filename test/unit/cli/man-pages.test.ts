// The committed man/ must be what the commands' metadata makes now, so a renamed or new flag fails
// here until `npm run man` is run. Loads the built commands (dist/), as the generator does.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateManPages, renderCommandPage, renderManPages, roffEscape, type ManCommand, type ManProgram } from '../../../src/cli/man.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MAN = join(REPO, 'man');

describe('committed man pages', () => {
  it('match a fresh generation from the built commands, file for file', async () => {
    expect(existsSync(join(REPO, 'dist', 'commands', 'topics.js')), 'dist/ is missing: run npm run build').toBe(true);
    const fresh = await generateManPages(REPO);
    const committed = existsSync(MAN) ? readdirSync(MAN).filter((f) => f.endsWith('.1')) : [];
    const missing = [...fresh.keys()].filter((f) => !committed.includes(f));
    const extra = committed.filter((f) => !fresh.has(f));
    const stale = [...fresh].filter(([f, text]) => committed.includes(f) && readFileSync(join(MAN, f), 'utf8') !== text).map(([f]) => f);
    expect({ missing, extra, stale }, 'man/ is out of date: run npm run man').toEqual({ missing: [], extra: [], stale: [] });
  });

  it('include an index and a page per command, the topics page with its flags', async () => {
    const fresh = await generateManPages(REPO);
    expect(fresh.has('tk.1')).toBe(true);
    expect(fresh.get('tk.1')).toContain('\\fBtk topics\\fR\nCreate, delete, describe, or change a topic (kafka\\-topics.sh). See \\fBtk\\-topics\\fR(1).');
    expect(fresh.has('tk-broker-start.1')).toBe(true);
    const topics = fresh.get('tk-topics.1')!;
    expect(topics).toContain('.SH ACTION FLAGS\n.TP\n\\fB\\-\\-alter\\fR\n');
    expect(topics).toContain('.TP\n\\fB\\-\\-bootstrap\\-server\\fR \\fIHOST:PORT\\fR\n');
    expect(topics).toContain('.TP\n\\fB\\-y\\fR, \\fB\\-\\-yes\\fR\n');
    expect(topics).toContain('One of: text, json. Default: text.');
  });
});

const program: ManProgram = { bin: 'tk', version: '9.9.9', description: 'A toolkit.', commands: [] };

const sample: ManCommand = {
  id: 'widget:spin',
  summary: 'Spin a widget.',
  description: 'First paragraph.\n.dots at the start\n\n\'quoted start and a back\\slash',
  examples: ['tk widget spin --fast'],
  args: [{ name: 'file', description: 'A file.', required: false }],
  flags: [
    { name: 'zeta', description: 'Last by name.', takesValue: false, allowNo: true, multiple: false, required: false },
    { name: 'alpha-beta', description: 'A value.', helpValue: 'N', takesValue: true, allowNo: false, multiple: true, required: true, default: [] },
    { name: 'debug', description: 'Stacks.', takesValue: false, allowNo: false, multiple: false, required: false, helpGroup: 'GLOBAL' },
  ],
};

describe('roff rendering', () => {
  it('escapes backslashes, hyphens and a leading control character', () => {
    expect(roffEscape('a-b\\c')).toBe('a\\-b\\ec');
    expect(roffEscape('.TH not a macro')).toBe('\\&.TH not a macro');
    expect(roffEscape("'quote")).toBe("\\&'quote");
  });

  it('renders a command page deterministically, flags sorted by name within their group', () => {
    expect(renderCommandPage(sample, program)).toBe(
      [
        `.\\" Generated from the commands' metadata by scripts/gen-man.ts (npm run man); do not edit.`,
        '.TH "TK\\-WIDGET\\-SPIN" "1" "" "tk 9.9.9" "tk manual"',
        '.nh',
        '.ad l',
        '.SH NAME',
        'tk\\-widget\\-spin \\- Spin a widget.',
        '.SH SYNOPSIS',
        '.B tk widget spin',
        '[\\fIFILE\\fR] [\\fIFLAGS\\fR]',
        '.SH DESCRIPTION',
        'First paragraph.',
        '\\&.dots at the start',
        '.PP',
        "\\&'quoted start and a back\\eslash",
        '.SH ARGUMENTS',
        '.TP',
        '\\fIFILE\\fR',
        'A file.',
        '.SH FLAGS',
        '.TP',
        '\\fB\\-\\-alpha\\-beta\\fR \\fIN\\fR',
        'A value. Required. Repeatable.',
        '.TP',
        '\\fB\\-\\-[no\\-]zeta\\fR',
        'Last by name.',
        '.SH GLOBAL FLAGS',
        '.TP',
        '\\fB\\-\\-debug\\fR',
        'Stacks.',
        '.SH EXAMPLES',
        '.PP',
        '.nf',
        '.RS 4',
        'tk widget spin \\-\\-fast',
        '.RE',
        '.fi',
        '.SH SEE ALSO',
        '.BR tk (1)',
        '',
      ].join('\n'),
    );
  });

  it('names pages by command id and lists the commands sorted in the index', () => {
    const pages = renderManPages({ ...program, commands: [{ ...sample, id: 'zz' }, sample] });
    expect([...pages.keys()]).toEqual(['tk.1', 'tk-widget-spin.1', 'tk-zz.1']);
    const index = pages.get('tk.1')!;
    expect(index.indexOf('tk widget spin')).toBeLessThan(index.indexOf('tk zz'));
    expect(index.endsWith('.SH SEE ALSO\n.BR tk\\-widget\\-spin (1),\n.BR tk\\-zz (1)\n')).toBe(true);
  });
});
