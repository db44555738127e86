import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic, listSpecFiles, loadSpecFiles, loadSpecFilesSync } from '../src/spec';

const SERVICE = 'apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: NAME\n';

describe('reading spec files and folders', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sre-kit-specs-'));
    mkdirSync(join(dir, 'b', 'nested'), { recursive: true });
    mkdirSync(join(dir, '.hidden'));
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'a.yaml'), SERVICE.replace('NAME', 'a'));
    writeFileSync(join(dir, 'b', 'nested', 'c.yml'), SERVICE.replace('NAME', 'c'));
    writeFileSync(join(dir, 'b', 'notes.txt'), 'not a spec');
    writeFileSync(join(dir, '.hidden', 'h.yaml'), SERVICE.replace('NAME', 'h'));
    writeFileSync(join(dir, 'node_modules', 'n.yaml'), SERVICE.replace('NAME', 'n'));
    writeFileSync(join(dir, 'explicit.spec'), SERVICE.replace('NAME', 'explicit'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('walks folders in name order, skipping dot-entries, node_modules and other extensions', () => {
    expect(listSpecFiles([dir])).toEqual({
      files: [join(dir, 'a.yaml'), join(dir, 'b', 'nested', 'c.yml')],
      missing: [],
    });
  });

  it('reads a file named explicitly whatever its extension, and reports missing paths', () => {
    const set = loadSpecFilesSync([join(dir, 'explicit.spec'), join(dir, 'gone')]);
    expect(set.services.map((s) => s.name)).toEqual(['explicit']);
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      `${join(dir, 'gone')}:1:1: (file): no such file or directory`,
    ]);
  });

  it('the async and sync loaders agree', async () => {
    const sync = loadSpecFilesSync([dir]);
    expect(sync.services.map((s) => s.name)).toEqual(['a', 'c']);
    expect(await loadSpecFiles([dir])).toEqual(sync);
  });

  it('a folder without specs is an error', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sre-kit-empty-'));
    try {
      expect(loadSpecFilesSync([empty]).diagnostics[0]).toMatchObject({
        file: empty,
        message: 'no *.yaml or *.yml files found',
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
