import { formatStatsTable, knowledgeStats } from '../../src/curator';
import { modifiedKb, shippedKb } from './helpers/fixtureKb';

const TODAY = new Date('2026-11-28T00:00:00Z');

describe('kb stats', () => {
  it('counts cells per service and owner, adding up to the knowledge base', () => {
    const kb = shippedKb();
    const stats = knowledgeStats(kb, { today: TODAY });
    expect(stats.totals.cells).toBe(kb.cells.size);
    expect(stats.services.reduce((n, s) => n + s.cells, 0)).toBe(kb.cells.size);
    expect(Object.values(stats.totals.owners).reduce((a, b) => a + b, 0)).toBe(kb.cells.size);
    for (const s of stats.services) expect(Object.values(s.owners).reduce((a, b) => a + b, 0)).toBe(s.cells);
    expect(stats.services[0].id).toBe('general');
    const ec2 = stats.services.find((s) => s.id === 'ec2')!;
    expect(ec2.cells).toBe(kb.cellsOf('ec2').length);
    expect(ec2.owners.customer).toBe(kb.cellsOf('ec2').filter((c) => c.owner === 'customer').length);
    expect(stats.coreAreas).toEqual([...kb.areas.values()].filter((a) => a.core).map((a) => a.id));
    expect(stats.coreAreas.length).toBeGreaterThan(0);
  });

  it('lists cells verified too long ago or never, and services missing a core area', () => {
    const kb = modifiedKb(({ cells }) => {
      cells.delete('ec2.backups');
      cells.set('ec2.os-patching', { ...cells.get('ec2.os-patching')!, verified: '2024-01-15' });
      cells.set('s3.data', { ...cells.get('s3.data')!, verified: '' });
    });
    const stats = knowledgeStats(kb, { staleMonths: 12, today: TODAY });
    expect(stats.stale.slice(0, 2)).toEqual([
      { kind: 'cell', id: 's3.data', file: 'services/s3.yaml' },
      { kind: 'cell', id: 'ec2.os-patching', file: 'services/ec2.yaml', verified: '2024-01-15', months: 34 },
    ]);
    expect(stats.missingCore.find((m) => m.service === 'ec2')).toEqual({ service: 'ec2', name: 'Amazon EC2', areas: ['backups'] });
    // Every service reported really lacks those cells, and no service lacking one is left out.
    for (const service of kb.services.values()) {
      if (service.id === 'general') continue;
      const missing = stats.coreAreas.filter((a) => !kb.cell(service.id, a));
      expect(stats.missingCore.find((m) => m.service === service.id)?.areas ?? []).toEqual(missing);
    }
    expect(knowledgeStats(kb, { staleMonths: 40, today: TODAY }).stale.map((s) => s.id)).not.toContain('ec2.os-patching');

    const table = formatStatsTable(stats);
    expect(table).toMatch(/^stale: \d+ entr(y|ies) with no verified date or verified more than 12 months ago$/m);
    expect(table).toMatch(/^cell\s+ec2\.os-patching\s+2024-01-15\s+34\s+services\/ec2\.yaml$/m);
    expect(table).toMatch(/^cell\s+s3\.data\s+\(none\)\s+\?\s+services\/s3\.yaml$/m);
    expect(table).toMatch(/^ec2\s+backups$/m);
  });

  it('lists the ten cells verified longest ago first, stale or not', () => {
    const kb = modifiedKb(({ cells }) => {
      cells.set('ec2.os-patching', { ...cells.get('ec2.os-patching')!, verified: '2024-01-15' });
      cells.set('rds.backups', { ...cells.get('rds.backups')!, verified: '2025-06-02' });
      cells.set('s3.data', { ...cells.get('s3.data')!, verified: '' });
    });
    const stats = knowledgeStats(kb, { staleMonths: 40, today: TODAY });
    expect(stats.oldest).toHaveLength(10);
    expect(stats.oldest.slice(0, 3).map((s) => s.id)).toEqual(['s3.data', 'ec2.os-patching', 'rds.backups']);
    const dates = stats.oldest.slice(1).map((s) => s.verified!);
    expect(dates).toEqual([...dates].sort());
    // Nothing left out is older than the last one listed.
    const last = stats.oldest[stats.oldest.length - 1].verified!;
    expect([...kb.cells.values()].filter((c) => c.verified !== '' && c.verified < last)).toHaveLength(dates.filter((d) => d < last).length);
    const table = formatStatsTable(stats);
    expect(table).toMatch(/^oldest: the 10 cells verified longest ago$/m);
    expect(table.indexOf('oldest:')).toBeLessThan(table.indexOf('\nservice '));
    expect(table).toMatch(/^ec2\.os-patching\s+2024-01-15\s+34\s+services\/ec2\.yaml$/m);
  });
});
