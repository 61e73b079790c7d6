/** Store-wide settings (maintenance mode, the generated signing secret), shared by every process. */
export interface SettingsRepository {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown, at: Date): Promise<void>;
  /** Inserts unless present; returns the stored value either way (the first writer wins). */
  getOrCreate<T>(key: string, make: () => T, at: Date): Promise<T>;
}
