#!/usr/bin/env bash
# Regenerates docs/danfe-sample.png (the README's picture): page 1 of the DANFE of a real NF-e
# sample, rendered by the project's own renderer, rasterized by poppler's pdftoppm
# (Debian: apt-get install -y poppler-utils). Usage: scripts/render-danfe-sample.sh [sample.xml]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sample=${1:-$root/test/fixtures/nfe-samples/42211275277525000178550030000276771368212013-procNFe.xml}
command -v pdftoppm >/dev/null || { echo "pdftoppm not found: apt-get install -y poppler-utils" >&2; exit 1; }
cd "$root"
npm run build --silent
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node --input-type=module -e '
  import fs from "node:fs";
  const { readDanfe } = await import(process.argv[1] + "/dist/src/core/danfe/read-danfe.js");
  const { pdfkitDanfeRenderer } = await import(process.argv[1] + "/dist/src/infra/pdf/pdfkit-danfe-renderer.js");
  const { pdf } = await pdfkitDanfeRenderer.render(readDanfe(fs.readFileSync(process.argv[2]), "AUTHORIZED"));
  fs.writeFileSync(process.argv[3], pdf);
' "$root" "$sample" "$tmp/danfe.pdf"
pdftoppm -png -r 100 -f 1 -l 1 -singlefile "$tmp/danfe.pdf" "$tmp/page"
cp "$tmp/page.png" "$root/docs/danfe-sample.png"
echo "wrote docs/danfe-sample.png"
