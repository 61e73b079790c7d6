import fs from 'node:fs';
import { it } from 'vitest';
import { isValidCnpj } from '../../src/core/nfe/cnpj.js';
import { readNfeDocument } from '../../src/core/nfe/read.js';

it('probe', () => {
  for (const f of fs.readdirSync('/work/shared/samples/nfe').filter((f) => f.endsWith('.xml'))) {
    const d = readNfeDocument(fs.readFileSync('/work/shared/samples/nfe/' + f)) as any;
    console.log(
      f,
      d.emitterCnpj,
      isValidCnpj(d.emitterCnpj),
      d.protocol?.cStat,
      JSON.stringify(d.discrepancies),
      d.cfops,
      d.natOp,
      d.tpNF,
      d.referencedKeys,
      fs.statSync('/work/shared/samples/nfe/' + f).size,
    );
  }
});
