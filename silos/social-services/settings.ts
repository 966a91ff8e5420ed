/** The social-services simulator's environment variables (main.ts, and simulator.ts for the quick start). */
import { defineSettings, httpUrl, oneOf, port, text } from '../../core/settings.ts';

export const socialServicesSiloSettings = defineSettings({
  port: { env: 'SOCIAL_SERVICES_PORT', default: '8081', parse: port, description: 'Port of the social-services simulator.' },
  host: {
    env: 'SOCIAL_SERVICES_HOST',
    default: '127.0.0.1',
    parse: text,
    description: 'Interface the REST API binds to (0.0.0.0 in containers).',
  },
  dataDir: {
    env: 'SOCIAL_SERVICES_DATA_DIR',
    parse: text,
    description: "Directory of the beneficiaries' files; unset, they live in memory.",
  },
  seed: {
    env: 'SOCIAL_SERVICES_SEED',
    parse: oneOf('demo'),
    description: '`demo` loads the demo files that are missing (needs SOCIAL_SERVICES_DATA_DIR).',
  },
  apiKey: {
    env: 'SOCIAL_SERVICES_API_KEY',
    parse: text,
    secret: true,
    description: 'API key the simulator requires in X-Api-Key (the connector sends it); unset: no check.',
  },
  webhookUrl: {
    env: 'SOCIAL_SERVICES_WEBHOOK_URL',
    parse: httpUrl,
    description:
      "Where the desk's changes are notified (the connector's receiver, POST /webhooks/social-services), signed with SOCIAL_SERVICES_WEBHOOK_SECRET; unset, nothing is notified.",
  },
  webhookSecret: {
    env: 'SOCIAL_SERVICES_WEBHOOK_SECRET',
    parse: text,
    secret: true,
    description: 'Key the simulator signs its webhooks with (HMAC-SHA256); the quick start generates one when unset.',
  },
  receiverPort: {
    env: 'SOCIAL_SERVICES_WEBHOOK_PORT',
    default: '8091',
    parse: port,
    description:
      "The quick start's simulator pushes to the connector's webhook receiver on this port (0: a free one, told to the connector).",
  },
  receiverHost: {
    env: 'SOCIAL_SERVICES_WEBHOOK_HOST',
    default: '127.0.0.1',
    parse: text,
    description: '…and on this interface (127.0.0.1 when the receiver binds 0.0.0.0).',
  },
});
