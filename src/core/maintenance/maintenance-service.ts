import { InvalidInputError, MaintenanceError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { SettingsRepository } from '../ports/settings.js';

export interface MaintenanceState {
  enabled: boolean;
  message: string;
  updatedAt: string | null;
}

const KEY = 'maintenance';
const DEFAULT_MESSAGE = 'The service is under maintenance. Please retry later.';
/** Other processes sharing the database see a switch within this many milliseconds. */
const CACHE_MS = 2000;

/** Maintenance mode: stored in the database so every server of a deployment obeys one switch. */
export class MaintenanceService {
  private cached: { state: MaintenanceState; at: number } | undefined;

  constructor(
    private readonly settings: SettingsRepository,
    private readonly clock: Clock,
  ) {}

  async state(): Promise<MaintenanceState> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached.state;
    const stored = await this.settings.get<MaintenanceState>(KEY);
    const state = stored ?? { enabled: false, message: '', updatedAt: null };
    this.cached = { state, at: now };
    return state;
  }

  async set(enabled: boolean, message?: string): Promise<MaintenanceState> {
    // NUL and other C0 controls cannot be stored (jsonb refuses \u0000) nor shown to clients.
    if (message !== undefined && /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(message)) {
      throw InvalidInputError.field('message', 'must not contain control characters');
    }
    const at = this.clock.now();
    const state: MaintenanceState = {
      enabled,
      message: enabled ? message?.trim() || DEFAULT_MESSAGE : '',
      updatedAt: at.toISOString(),
    };
    await this.settings.put(KEY, state, at);
    this.cached = { state, at: at.getTime() };
    return state;
  }

  /** Throws MaintenanceError while enabled; dialects render it as their 503. */
  async assertOpen(): Promise<void> {
    const state = await this.state();
    if (state.enabled) throw new MaintenanceError(state.message);
  }
}
