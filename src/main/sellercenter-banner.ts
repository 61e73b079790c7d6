/**
 * The SellerCenter lines of the first-start banner: a ready-to-run token request for the demo
 * seller (its SP-API client id and secret, as HTTP Basic) and the template download with it.
 */
export function sellerCenterTryLines(
  url: string,
  demo: { clientId: string; clientSecret: string },
): string[] {
  return [
    'SellerCenter (missing NF-e access keys):',
    `  SC_TOKEN=$(curl -s -u '${demo.clientId}:${demo.clientSecret}' -d grant_type=client_credentials \\`,
    `      ${url}/sellercenter/oauth/client-credentials | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    `  curl -s -o template.csv "${url}/sellercenter/v2/template/missing-invoice-access-key?format=csv" -H "Authorization: Bearer $SC_TOKEN"`,
  ];
}
