import { describe, expect, it } from 'vitest';
import { MaintenanceError } from '../../../src/core/errors.js';
import { MaintenanceService } from '../../../src/core/maintenance/maintenance-service.js';
import { ManualClock } from '../../../src/infra/clock.js';
import { MemorySettings } from '../../support/fakes.js';

describe('maintenance mode (in-memory settings)', () => {
  it('is one switch for every process of a deployment, seen by the others within 2 s', async () => {
    const clock = new ManualClock();
    const shared = new MemorySettings();
    const here = new MaintenanceService(shared, clock);
    const there = new MaintenanceService(shared, clock);
    await expect(there.assertOpen()).resolves.toBeUndefined();
    await here.set(true, '  upgrading  ');
    await expect(here.assertOpen()).rejects.toThrow(new MaintenanceError('upgrading'));
    await expect(there.assertOpen()).resolves.toBeUndefined(); // its cached state, under 2 s old
    clock.advance(2_000);
    await expect(there.assertOpen()).rejects.toBeInstanceOf(MaintenanceError);
  });

  it('reads the store at most once per 2 s on the hot path', async () => {
    const clock = new ManualClock();
    const settings = new MemorySettings();
    const service = new MaintenanceService(settings, clock);
    for (let i = 0; i < 50; i++) await service.assertOpen();
    expect(settings.reads).toBe(1);
  });

  it('gives a default message, clears it when switched off, and refuses control characters', async () => {
    const service = new MaintenanceService(new MemorySettings(), new ManualClock());
    expect((await service.set(true)).message).toMatch(/maintenance/);
    expect(await service.set(false, 'ignored')).toMatchObject({ enabled: false, message: '' });
    await expect(service.set(true, 'bad\u0000')).rejects.toMatchObject({
      kind: 'invalid',
      problems: [{ field: 'message' }],
    });
  });
});
