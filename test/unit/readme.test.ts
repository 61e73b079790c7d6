import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARS, S3_VARS } from '../../src/main/config.js';

// The README's configuration table is the operators' reference: every variable we read is in it.
describe('README', () => {
  const readme = fs.readFileSync('README.md', 'utf8');
  const names = [
    ...Object.values(CONFIG_VARS)
      .map((v) => v.name)
      .filter((n) => !n.includes('*')),
    ...Object.values(S3_VARS).map((v) => v.name),
  ];

  it.each(names)('documents %s in the configuration table', (name) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });

  it('shows both quick-start commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
