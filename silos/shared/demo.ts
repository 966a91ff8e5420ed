/**
 * The quick start's demo move, shared by the banner lines of the silos that show it: Jeanne
 * Martin's new address, told to Relais through the gateway (`citizen` says how she is named).
 */
export function demoMove(citizen: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'fr.relais.citizen.address.changed.v1',
    citizen,
    channel: 'web',
    data: {
      address: {
        number: '12',
        suffix: 'bis',
        streetName: 'rue des Lilas',
        postcode: '69003',
        communeName: 'Lyon',
        communeInsee: '69383',
        country: 'FR',
      },
      effectiveDate: new Date().toISOString().slice(0, 10),
    },
  };
}

/** A curl that posts `body` to the gateway with the dev credential. */
export function curlPost(gatewayUrl: string, devToken: string, path: string, body: unknown): string {
  return `  curl -s -X POST ${gatewayUrl}${path} -H 'Authorization: Bearer ${devToken}' -H 'Content-Type: application/json' -d '${JSON.stringify(body)}'`;
}

/** A curl that reads `path` from the gateway with the dev credential. */
export function curlGet(gatewayUrl: string, devToken: string, path: string): string {
  return `  curl -s ${gatewayUrl}${path} -H 'Authorization: Bearer ${devToken}'`;
}
