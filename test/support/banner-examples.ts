/**
 * The quick start's printed examples, followed as a person would: every `curl` line of the banner
 * is parsed and sent over HTTP in the order printed, and its placeholders are filled from the
 * answers before it (`<id>`: the last id the gateway answered with; `<review id>`: the identity
 * review a held change points to; `<incident>`: the incident the waste desk lists for that id,
 * waited for since the connector creates it shortly after). A line whose placeholder no earlier
 * answer filled (that example was refused) is listed as skipped, not sent.
 */

export interface BannerCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FollowedExample {
  call: BannerCall;
  status: number;
  answer: unknown;
  /** Not sent: it needs a value (`<id>`…) that no earlier answer gave (an earlier example was refused). */
  skipped?: true;
}

/** The words of a shell line: single-quoted parts and placeholders (`<review id>`) kept whole. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|((?:<[^>]*>|[^\s'<])+)/g)) words.push(match[1] ?? match[2]!);
  return words;
}

/** A printed `curl -s …` line as an HTTP call; undefined for any other line. */
export function parseCurl(line: string): BannerCall | undefined {
  const words = shellWords(line.trim().replace(/\s+\(.*\)$/, ''));
  if (words[0] !== 'curl') return undefined;
  const call: BannerCall = { method: 'GET', url: '', headers: {} };
  const form: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-s') continue;
    if (word === '-X') call.method = words[++i]!;
    else if (word === '-H') {
      const [name, ...value] = words[++i]!.split(':');
      call.headers[name!.trim().toLowerCase()] = value.join(':').trim();
    } else if (word === '-u') call.headers['authorization'] = `Basic ${Buffer.from(words[++i]!).toString('base64')}`;
    else if (word === '-d') form.push(words[++i]!);
    else call.url = word;
  }
  if (form.length > 0) {
    if (call.method === 'GET') call.method = 'POST';
    const json = call.headers['content-type'] === 'application/json';
    const encoded = form.map((pair) => pair.split('=').map(encodeURIComponent).join('='));
    call.body = json ? form.join('') : encoded.join('&');
    if (!json) call.headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  return call.url ? call : undefined;
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

async function send(call: BannerCall): Promise<{ status: number; answer: unknown }> {
  const response = await fetch(call.url, {
    method: call.method,
    headers: call.headers,
    ...(call.body !== undefined ? { body: call.body } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let answer: unknown = text;
  try {
    answer = JSON.parse(text) as unknown;
  } catch {
    // Not JSON (an HTML page): kept as text.
  }
  return { status: response.status, answer };
}

/** Follows every curl line of `banner`, in order; resolves with each call and its answer. */
export async function followBanner(banner: string): Promise<FollowedExample[]> {
  const followed: FollowedExample[] = [];
  const filled: Record<string, string> = {};
  for (const line of banner.split('\n')) {
    const printed = parseCurl(line);
    if (!printed) continue;
    const fill = (text: string): string => text.replace(/<([a-z ]+)>/g, (whole, name: string) => filled[name] ?? whole);
    const call = { ...printed, url: fill(printed.url), ...(printed.body !== undefined ? { body: fill(printed.body) } : {}) };
    const unfilled = /<[a-z ]+>/.exec(`${call.url} ${call.body ?? ''}`);
    if (unfilled) {
      followed.push({ call, status: 0, answer: `not sent: nothing earlier answered ${unfilled[0]}`, skipped: true });
      continue;
    }
    let result = await send(call);
    // The waste desk lists the incident once the connector has created it. Its embedded database
    // (PGlite behind pglite-socket) sometimes answers 503 while the connector queries it at the
    // same moment (SQLSTATE 26000, statements of two connections interleaved): a reader retries.
    for (
      let waited = 0;
      /\/incidents\?reference=/.test(call.url) && (result.status === 503 || (Array.isArray(result.answer) && result.answer.length === 0));
      waited++
    ) {
      if (waited > 60) {
        const before = followed.map((f) => `${f.status} ${f.call.method} ${f.call.url} ${JSON.stringify(f.answer).slice(0, 200)}`);
        throw new Error(`no incident appeared at ${call.url}; the answers before it:\n${before.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      result = await send(call);
    }
    followed.push({ call, ...result });
    const answer = record(result.answer);
    const gateway = call.headers['authorization']?.startsWith('Bearer ');
    if (gateway && call.method === 'POST' && typeof answer?.['id'] === 'string') filled['id'] = answer['id'];
    const review = record(answer?.['identityReview']);
    if (typeof review?.['id'] === 'string') filled['review id'] = review['id'];
    if (Array.isArray(result.answer)) {
      const incident = record(result.answer[0])?.['id_incident'];
      if (typeof incident === 'number' || typeof incident === 'string') filled['incident'] = String(incident);
    }
  }
  return followed;
}
