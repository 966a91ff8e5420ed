/**
 * The simulators' own environment variables (silos/<name>/main.ts), declared like Relais's
 * settings (core/config.ts) so docs/configuration.md lists them too and a test can check that
 * no process reads a variable declared nowhere. The simulators also read some of Relais's
 * settings (ports, the register's credentials, the webhook secret, the vendor database URL),
 * and the secrets among those through `<VAR>_FILE` as well.
 */
export interface SimulatorSetting {
  env: string;
  /** The simulator that reads it (silos/<simulator>/main.ts). */
  simulator: string;
  default?: string;
  description: string;
}

export const simulatorSettings: SimulatorSetting[] = [
  {
    env: 'CIVIL_REGISTRY_HOST',
    simulator: 'civil-registry',
    default: '127.0.0.1',
    description: 'Interface the SOAP service binds to (0.0.0.0 in containers).',
  },
  {
    env: 'CIVIL_REGISTRY_DATA_DIR',
    simulator: 'civil-registry',
    description: "Directory of the register's records; unset, they live in memory.",
  },
  { env: 'CIVIL_REGISTRY_SEED', simulator: 'civil-registry', description: '`demo` records the demo citizens at start.' },
  {
    env: 'SOCIAL_SERVICES_HOST',
    simulator: 'social-services',
    default: '127.0.0.1',
    description: 'Interface the REST API binds to (0.0.0.0 in containers).',
  },
  {
    env: 'SOCIAL_SERVICES_DATA_DIR',
    simulator: 'social-services',
    description: "Directory of the beneficiaries' files; unset, they live in memory.",
  },
  {
    env: 'SOCIAL_SERVICES_SEED',
    simulator: 'social-services',
    description: '`demo` loads the demo files that are missing (needs SOCIAL_SERVICES_DATA_DIR).',
  },
  {
    env: 'SOCIAL_SERVICES_WEBHOOK_URL',
    simulator: 'social-services',
    description:
      "Where the desk's changes are notified (the connector's receiver, POST /webhooks/social-services), signed with SOCIAL_SERVICES_WEBHOOK_SECRET; unset, nothing is notified.",
  },
  {
    env: 'SCHOOL_CATERING_HOST',
    simulator: 'school-catering',
    default: '127.0.0.1',
    description:
      'Interface the REST API binds to (0.0.0.0 in containers); its port is SCHOOL_CATERING_PORT, its token SCHOOL_CATERING_TOKEN.',
  },
  {
    env: 'SCHOOL_CATERING_DATA_DIR',
    simulator: 'school-catering',
    description: "Directory of the families' accounts; unset, they live in memory.",
  },
  { env: 'SCHOOL_CATERING_SEED', simulator: 'school-catering', description: '`demo` adds the demo families the store lacks.' },
  {
    env: 'TAX_SILO_DATA_DIR',
    simulator: 'tax',
    default: '.relais/silos/tax',
    description: "Directory of the tax office's taxpayers, SFTP tree and host key. The simulator binds TAX_SFTP_HOST:TAX_SFTP_PORT.",
  },
  {
    env: 'TAX_SILO_AUTHORIZED_KEYS',
    simulator: 'tax',
    description: 'File of authorized_keys lines: the public keys allowed to log in as TAX_SFTP_USER (required).',
  },
  { env: 'TAX_SILO_SEED', simulator: 'tax', description: '`demo` adds the demo taxpayers.' },
  { env: 'TAX_SILO_FAULTS', simulator: 'tax', description: 'Faults to inject, as JSON (silos/tax/faults.ts); for tests.' },
  {
    env: 'WASTE_MANAGEMENT_HOST',
    simulator: 'waste-management',
    default: '127.0.0.1',
    description: 'Interface the agent desk binds to (0.0.0.0 in containers); the embedded database stays on 127.0.0.1.',
  },
  {
    env: 'WASTE_MANAGEMENT_DATA_DIR',
    simulator: 'waste-management',
    description: 'Directory of the embedded vendor database; unset, in memory. Unused with WASTE_MANAGEMENT_DATABASE_URL.',
  },
  {
    env: 'WASTE_MANAGEMENT_SEED',
    simulator: 'waste-management',
    description: '`demo` loads the collection rounds and the demo households that are missing.',
  },
  {
    env: 'MAILBOX_HOST',
    simulator: 'email',
    default: '127.0.0.1',
    description: "Interface the local mailbox's SMTP server binds to (0.0.0.0 in containers); its port is MAILBOX_SMTP_PORT.",
  },
  {
    env: 'MAILBOX_DIR',
    simulator: 'email',
    description: 'Directory where the mailbox keeps each message as an .eml file; unset, in memory only.',
  },
];
