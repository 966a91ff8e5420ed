/**
 * Starts the register simulator: the `soap` package's server (soap.listen) on a node:http server
 * at /registre, with the admin JSON API (admin-routes.ts) on the other paths.
 *
 * Every SOAP request passes a guard first, before any XML parser sees it: its body is read up to
 * a size limit and refused with a soap:Client fault (code XML_REFUSE) if it carries a DOCTYPE or
 * entity declarations, nests too deep, is too large or is not well-formed (protocols/xml/safe-xml.ts).
 * The WSDL (GET /registre?wsdl) is served with the real address of the service.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import soap from 'soap';
import { assertSafeXml, UnsafeXmlError, type XmlLimits } from '../../protocols/xml/safe-xml.ts';
import { closeServer } from '../shared/process.ts';
import { createAdminApp } from './admin-routes.ts';
import { FaultInjector, hostilePayload, type PanneTiree } from './faults.ts';
import { Registre } from './registry.ts';
import { NAMESPACE, registryServices, UsernameTokenCheck, type Credentials } from './soap-service.ts';
import { RegistryStore } from './store.ts';

export const SOAP_PATH = '/registre';
export const WSDL_FILE = new URL('./registre.wsdl', import.meta.url);

export interface CivilRegistrySiloOptions {
  port?: number;
  host?: string;
  /** Directory of the JSON data file; absent, the data lives in memory. */
  dataDir?: string;
  /** The WS-Security UsernameToken the service requires. */
  credentials: Credentials;
  xmlLimits?: XmlLimits;
  /** Told when a request is refused by the XML guard (the rule only, never the content). */
  onRefused?: (rule: string) => void;
}

export interface CivilRegistrySilo {
  /** Base URL (admin API); the SOAP endpoint is `${url}/registre`, the WSDL `${url}/registre?wsdl`. */
  url: string;
  soapUrl: string;
  wsdlUrl: string;
  port: number;
  registre: Registre;
  close(): Promise<void>;
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function faultXml(code: string, message: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
    `<faultcode>soap:Client</faultcode><faultstring>${escapeXml(message)}</faultstring>` +
    `<detail><erreur xmlns="${NAMESPACE}"><code>${code}</code><message>${escapeXml(message)}</message></erreur></detail>` +
    '</soap:Fault></soap:Body></soap:Envelope>'
  );
}

function send(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
  res.end(xml);
}

/** Reads a body up to `limit` bytes; undefined when it is larger (the rest is drained, not kept). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}

export async function startCivilRegistrySilo(options: CivilRegistrySiloOptions): Promise<CivilRegistrySilo> {
  const host = options.host ?? '127.0.0.1';
  const limits = options.xmlLimits ?? { maxBytes: 256 * 1024, maxDepth: 32 };
  const store = await RegistryStore.open(options.dataDir);
  const registre = new Registre(store);
  const faults = new FaultInjector();
  const drawn = new WeakMap<object, PanneTiree>();
  const wsdl = readFileSync(WSDL_FILE, 'utf8');
  const server = createServer(createAdminApp(registre, faults));
  // SOAP clients keep connections open between the WSDL read and their calls (strong-soap can take
  // seconds to compile a WSDL): Node's 5 s idle close would race with their next request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const servedWsdl = wsdl.replace(/location="[^"]*"/, `location="${url}${SOAP_PATH}"`);

  await new Promise<void>((resolve, reject) => {
    soap.listen(server, {
      path: SOAP_PATH,
      services: registryServices({
        registre,
        auth: new UsernameTokenCheck(options.credentials),
        faultOf: (req) => drawn.get(req as object),
      }),
      xml: servedWsdl,
      suppressStack: true,
      callback: (error: unknown) =>
        error ? reject(error instanceof Error ? error : new Error('the WSDL could not be loaded')) : resolve(),
    });
  });

  // soap.listen took over the 'request' listener (it hands other paths to the admin app); put the
  // guard in front of it.
  const [soapListener] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', url).pathname.replace(/\/$/, '');
    if (path !== SOAP_PATH || req.method !== 'POST') return soapListener!(req, res);
    void (async () => {
      const body = await readBody(req, limits.maxBytes);
      try {
        if (body === undefined) throw new UnsafeXmlError('size', `refused XML: above the limit of ${limits.maxBytes} bytes`);
        assertSafeXml(body.toString('utf8'), limits);
      } catch (error) {
        if (!(error instanceof UnsafeXmlError)) throw error;
        options.onRefused?.(error.rule);
        return send(res, 500, faultXml('XML_REFUSE', error.message));
      }
      const fault = faults.take();
      if (fault?.mode === 'reponse-hostile') return send(res, 200, hostilePayload(fault.charge));
      if (fault) drawn.set(req, fault);
      (req as IncomingMessage & { body?: Buffer }).body = body;
      soapListener!(req, res);
    })().catch(() => send(res, 500, faultXml('ERREUR_INTERNE', 'erreur interne du registre')));
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    soapUrl: `${url}${SOAP_PATH}`,
    wsdlUrl: `${url}${SOAP_PATH}?wsdl`,
    port,
    registre,
    close() {
      closing ??= closeServer(server, () => store.flush());
      return closing;
    },
  };
}
