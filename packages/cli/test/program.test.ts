import { buildProgram } from '../src/program';

describe('sre program', () => {
  it('reports the package version', () => {
    const out: string[] = [];
    const program = buildProgram().configureOutput({ writeOut: (s) => out.push(s) });
    expect(() => program.parse(['node', 'sre', '--version'])).toThrow(
      expect.objectContaining({ code: 'commander.version' }),
    );
    expect(out.join('')).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
